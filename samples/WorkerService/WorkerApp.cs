using Microsoft.Extensions.Options;
using SalesforceAuth.Samples;

namespace WorkerService;

/// <summary>Builds and runs the worker host.</summary>
public static class WorkerApp
{
    /// <summary>Runs the host until it is stopped (Ctrl+C, SIGTERM, <paramref name="cancellationToken"/>), or until
    /// <c>Worker:Iterations</c> runs are done when that is more than 0.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="environment">The environment: <c>SF_*</c> variables select a real org.</param>
    /// <param name="args">Command-line configuration overrides (<c>--Worker:Iterations=2</c>).</param>
    /// <param name="cancellationToken">Stops the host.</param>
    /// <returns>0.</returns>
    public static async Task<int> RunAsync(TextWriter output, IDictionary<string, string?> environment, string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Secrets (the key path, a consumer secret) belong in user secrets or a vault, not in appsettings.json.
        builder.Configuration.AddUserSecrets(typeof(WorkerApp).Assembly, optional: true);

        // The SF_* variables the other samples and sfauth use, mapped onto the connection's configuration keys.
        var mapped = new Dictionary<string, string?>();
        foreach (var (variable, key) in new[] { ("SF_LOGIN_URL", "LoginUrl"), ("SF_CLIENT_ID", "ClientId"), ("SF_USERNAME", "Username"), ("SF_PRIVATE_KEY", "PrivateKeyPath"), ("SF_PRIVATE_KEY_PASSWORD", "PrivateKeyPassword"), ("SF_CERTIFICATE", "CertificatePath"), ("SF_AUDIENCE", "Audience") })
        {
            if (environment.TryGetValue(variable, out var value) && !string.IsNullOrEmpty(value))
            {
                mapped[$"Salesforce:Clients:worker:{key}"] = value;
            }
        }

        // SF_ALLOW_INSECURE_LOOPBACK=1 (sfauth emulator prints it) is a switch; the binder only reads true/false.
        if (SampleOrg.AllowsInsecureLoopback(environment))
        {
            mapped["Salesforce:Clients:worker:AllowInsecureLoopback"] = "true";
        }

        builder.Configuration.AddInMemoryCollection(mapped);
        if (args.Length > 0)
        {
            builder.Configuration.AddCommandLine(args);
        }

        await using var org = SampleOrg.IsConfigured(environment) || !string.IsNullOrEmpty(builder.Configuration["Salesforce:Clients:worker:ClientId"])
            ? null
            : await SampleOrg.StartAsync(environment, output, cancellationToken);

        builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Worker"));
        builder.Services.AddSingleton(new SampleTranscript(output));

        // One named connection, bound from Salesforce:Clients:worker; against the emulator its settings are overridden.
        var connection = builder.Services.AddSalesforceClient("worker", options => org?.Configure(options));
        connection.AddHttpClient<SalesforceApiClient>();
        builder.Services.AddHostedService<Worker>();

        using var host = builder.Build();
        var iterations = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.Iterations;
        output.WriteLine(iterations > 0
            ? $"Worker started: querying Accounts through the typed client, {iterations} time(s)."
            : "Worker started: querying Accounts through the typed client until stopped (Ctrl+C; --Worker:Iterations=N stops after N runs).");
        await host.RunAsync(cancellationToken);
        output.WriteLine("Worker stopped.");
        return 0;
    }
}
