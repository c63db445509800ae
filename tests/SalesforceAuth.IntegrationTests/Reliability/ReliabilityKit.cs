using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Testing;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// One emulator (real loopback sockets, real clock), one org with <see cref="UserCount"/> pre-authorized users, one
/// JWT connected app, and a DI container with the SalesforceAuth connection <see cref="ClientName"/>, its
/// authenticated <see cref="HttpClient"/>, a Trace-level capturing logger, and wire recorders on both the API client and
/// the token back channel. Every token endpoint request the emulator receives is counted by host.
/// </summary>
internal sealed class ReliabilityKit : IAsyncDisposable
{
    public const string ClientName = "reliability";
    public const string ApiPath = "/services/data/v62.0/";

    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=SalesforceAuth reliability"));

    private readonly ConcurrentQueue<Exception> _exceptions = new();
    private readonly List<ServiceProvider> _instances = [];
    private Action<SalesforceClientOptions>? _configure;
    private Action<IServiceCollection>? _services;
    private Action<ISalesforceClientBuilder>? _builder;
    private int _tokenRequests;

    private ReliabilityKit(FakeSalesforce fake, FakeOrg org, IReadOnlyList<FakeUser> users, FakeConnectedApp app)
    {
        Fake = fake;
        Org = org;
        Users = users;
        App = app;
        Secrets.AddPrivateKeyPem(Keys.PrivateKeyPem);
        Secrets.Add(app.ConsumerSecret, "client secret");
        Logs = new CapturingLoggerProvider(Secrets);
        fake.RequestReceived += (_, entry) =>
        {
            if (entry.Path.Equals("/services/oauth2/token", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _tokenRequests);
            }
        };
    }

    public static int UserCount => 24;

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public FakeSalesforce Fake { get; }

    public FakeOrg Org { get; }

    public IReadOnlyList<FakeUser> Users { get; }

    public FakeUser User => Users[0];

    public FakeConnectedApp App { get; }

    public SecretLedger Secrets { get; } = new();

    public CapturingLoggerProvider Logs { get; }

    public WireRecorder.Traffic ApiTraffic { get; } = new();

    public WireRecorder.Traffic TokenTraffic { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    /// <summary>Token endpoint requests received by the emulator on any host (attempts and redirected re-POSTs).</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public ISalesforceTokenProvider TokenProvider => Services.GetRequiredService<ISalesforceTokenProvider>();

    public static async Task<ReliabilityKit> StartAsync(Action<SalesforceClientOptions>? configure = null, Action<IServiceCollection>? services = null, Action<ISalesforceClientBuilder>? builder = null)
    {
        var fake = await FakeSalesforce.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var org = fake.AddOrg("acme");
        var users = Enumerable.Range(0, UserCount).Select(i => org.AddUser($"user{i}@acme.com")).ToList();
        var app = new FakeConnectedApp { Certificate = Keys.PublicCertificate, PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized };
        foreach (var user in users)
        {
            app.PreAuthorizedUsers.Add(user);
        }

        fake.AddConnectedApp(app);
        var kit = new ReliabilityKit(fake, org, users, app) { _configure = configure, _services = services, _builder = builder };
        kit.Services = kit.BuildServices(configure, services, builder);
        return kit;
    }

    public void ConfigureOptions(SalesforceClientOptions o)
    {
        o.LoginUrl = Fake.LoginUrl;
        o.ClientId = App.ConsumerKey;
        o.ClientSecret = App.ConsumerSecret;
        o.Username = User.Username;
        o.SigningKey = SalesforceSigningKey.FromCertificate(Keys.Certificate);
        o.UseIntrospection = false;
        o.MaxRetries = 2;
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        o.AttemptTimeout = TimeSpan.FromSeconds(20);
        o.TotalTimeout = TimeSpan.FromSeconds(40);
    }

    public HttpClient CreateClient() => Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    /// <summary>Another instance of the same service (its own container and in-process cache), for example to share a
    /// distributed cache with <see cref="Services"/>. Disposed with the kit.</summary>
    public ServiceProvider CreateInstance()
    {
        var instance = BuildServices(_configure, _services, _builder);
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Keeps an exception for the secret search (its ToString, inner exceptions and diagnosis included).</summary>
    public T Observe<T>(T exception)
        where T : Exception
    {
        _exceptions.Enqueue(exception);
        return exception;
    }

    /// <summary>Searches every kept log line and exception text for every secret seen; returns the findings.</summary>
    public SecretScan ScanForSecrets()
    {
        var findings = new List<string>(Logs.ImmediateLeaks);
        foreach (var line in Logs.KeptLines)
        {
            findings.AddRange(Secrets.Find(line).Select(kind => $"{kind} in log: {Truncate(line)}"));
        }

        foreach (var exception in _exceptions)
        {
            var text = exception.ToString() + " " + (exception as SalesforceAuthenticationException)?.Diagnosis;
            findings.AddRange(Secrets.Find(text).Select(kind => $"{kind} in {exception.GetType().Name}"));
        }

        return new SecretScan(Logs.LineCount, _exceptions.Count, Secrets.Count, Secrets.CountByKind, findings);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Services.DisposeAsync();
        await Fake.DisposeAsync();
    }

    private static string Truncate(string line) => line.Length <= 160 ? line : line[..160] + "...";

    private ServiceProvider BuildServices(Action<SalesforceClientOptions>? configure, Action<IServiceCollection>? extra, Action<ISalesforceClientBuilder>? builder)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        var connection = services.AddSalesforceClient(ClientName, o =>
        {
            ConfigureOptions(o);
            configure?.Invoke(o);
        });
        connection.AddHttpClient()
            .AddHttpMessageHandler(() => new WireRecorder(ApiTraffic, Secrets, backchannel: false))
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                var handler = Fake.CreateHttpMessageHandler();
                handler.AllowAutoRedirect = false;
                handler.UseCookies = false;
                handler.MaxConnectionsPerServer = 256;
                return handler;
            });
        services.AddHttpClient(TokenClientRegistry.BackchannelClientName)
            .ConfigurePrimaryHttpMessageHandler(Fake.CreateHttpMessageHandler)
            .AddHttpMessageHandler(() => new WireRecorder(TokenTraffic, Secrets, backchannel: true));
        builder?.Invoke(connection);
        extra?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The outcome of a secret search.</summary>
    internal sealed record SecretScan(long LogLines, int Exceptions, int SecretsKnown, IReadOnlyDictionary<string, int> SecretsByKind, IReadOnlyList<string> Findings)
    {
        public string Describe() =>
            $"{ReliabilityReport.N(LogLines)} log lines, {Exceptions} exceptions, {SecretsKnown} secrets ({string.Join(", ", SecretsByKind.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}"))}): {Findings.Count} occurrences";
    }
}
