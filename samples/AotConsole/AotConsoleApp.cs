using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth;

namespace AotConsole;

/// <summary>
/// The JWT bearer flow in a Native AOT executable: the connection is bound from configuration (through the library's
/// source-generated binder), the token comes from the caching handler, and one REST call goes through
/// <see cref="IHttpClientFactory"/> to the org's own host. No reflection anywhere, so the program starts without a JIT.
/// </summary>
public static class AotConsoleApp
{
    /// <summary>The connection name: settings live under <c>Salesforce:Clients:salesforce</c>.</summary>
    public const string ConnectionName = "salesforce";

    /// <summary>The line printed on success starts with this, then the URL the call landed on.</summary>
    public const string SuccessPrefix = "GET /services/data/ -> 200 OK at ";

    /// <summary>The last line on success: the process's peak working set, in MiB.</summary>
    public const string PeakWorkingSetPrefix = "Peak working set: ";

    private static readonly string[] RequiredVariables = ["SF_LOGIN_URL", "SF_CLIENT_ID", "SF_USERNAME", "SF_PRIVATE_KEY"];

    /// <summary>Gets a token and lists the org's API versions.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="environment">The <c>SF_*</c> variables that name the org.</param>
    /// <param name="cancellationToken">Stops the sample.</param>
    /// <returns>0 on 200, 1 when Salesforce refused or answered otherwise, 2 when the settings are missing or wrong.</returns>
    public static async Task<int> RunAsync(TextWriter output, IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        var missing = RequiredVariables.Where(name => Get(name) is null).ToList();
        if (missing.Count > 0)
        {
            // A Native AOT binary cannot host the emulator (ASP.NET Core's Kestrel app is not trimmed for it), so it
            // says what to set; the CI test and the startup measurement start FakeSalesforce and set these for it.
            output.WriteLine($"No org configured: set {string.Join(", ", missing)}.");
            output.WriteLine("  SF_LOGIN_URL      https://login.salesforce.com, https://test.salesforce.com or your My Domain");
            output.WriteLine("  SF_CLIENT_ID      the connected app's consumer key");
            output.WriteLine("  SF_USERNAME       the user to act as, pre-authorized for the app");
            output.WriteLine("  SF_PRIVATE_KEY    the PEM file of the key whose certificate is uploaded to the app");
            output.WriteLine("  SF_ALLOW_INSECURE_LOOPBACK=1  only for an emulator on http://127.0.0.1");
            output.WriteLine("To run it against FakeSalesforce: dotnet run -c Release --project tests/SalesforceAuth.Benchmarks -- --startup");
            return 2;
        }

        // The SF_* variables become the connection's configuration section, bound like appsettings.json would be.
        var section = $"Salesforce:Clients:{ConnectionName}:";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [section + nameof(SalesforceClientOptions.Flow)] = "jwt-bearer",
            [section + nameof(SalesforceClientOptions.LoginUrl)] = Get("SF_LOGIN_URL"),
            [section + nameof(SalesforceClientOptions.ClientId)] = Get("SF_CLIENT_ID"),
            [section + nameof(SalesforceClientOptions.Username)] = Get("SF_USERNAME"),
            [section + nameof(SalesforceClientOptions.PrivateKeyPath)] = Get("SF_PRIVATE_KEY"),
            [section + nameof(SalesforceClientOptions.PrivateKeyPassword)] = Get("SF_PRIVATE_KEY_PASSWORD"),
            [section + nameof(SalesforceClientOptions.Audience)] = Get("SF_AUDIENCE"),
            [section + nameof(SalesforceClientOptions.AllowInsecureLoopback)] = Get("SF_ALLOW_INSECURE_LOOPBACK") == "1" ? "true" : null,
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSalesforceClient(ConnectionName).AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectionName);

        try
        {
            // A relative URI: the handler sends it to the token's instance_url.
            using var response = await client.GetAsync(new Uri("/services/data/", UriKind.Relative), cancellationToken);
            var landedOn = response.RequestMessage?.RequestUri;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                output.WriteLine($"GET /services/data/ -> {(int)response.StatusCode} {response.ReasonPhrase} at {landedOn}");
                return 1;
            }

            output.WriteLine($"{SuccessPrefix}{landedOn}");
        }
        catch (SalesforceAuthenticationException ex)
        {
            // Every refusal comes typed and explained: what happened, why, and how to fix it.
            output.WriteLine($"Salesforce refused: {ex.Reason}");
            output.WriteLine(ex.Diagnosis.ToString());
            return 1;
        }
        catch (SalesforceConfigurationException ex)
        {
            output.WriteLine(ex.Message);
            return 2;
        }

        using var process = Process.GetCurrentProcess();
        output.WriteLine(FormattableString.Invariant($"{PeakWorkingSetPrefix}{process.PeakWorkingSet64 / (1024.0 * 1024.0):F1} MiB"));
        return 0;
    }
}
