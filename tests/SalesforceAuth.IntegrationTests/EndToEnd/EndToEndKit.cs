using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// The real SalesforceAuth library against a real <see cref="FakeSalesforce"/> over loopback: one production org
/// ("acme" on pod na1) with one user, one pre-authorized connected app, and one clock (a FakeTimeProvider) shared by the
/// emulator and the library, so no test sleeps for timing. Nothing of the library is replaced.
/// </summary>
internal sealed class EndToEndKit : IAsyncDisposable
{
    public const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string DataPath = "/services/data/v62.0/";

    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=end-to-end tests"));
    private static readonly Lazy<FakeSalesforceKeyPair> SharedOtherKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=not the uploaded certificate"));

    private EndToEndKit(FakeSalesforce fake, FakeTimeProvider time, FakeOrg org, FakeUser user, FakeConnectedApp app)
    {
        Fake = fake;
        Time = time;
        Org = org;
        User = user;
        App = app;
        Raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    }

    /// <summary>A whole second, so the emulator's one-second <c>Date</c> header carries the exact time.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public static FakeSalesforceKeyPair OtherKeys => SharedOtherKeys.Value;

    public FakeSalesforce Fake { get; }

    public FakeTimeProvider Time { get; }

    public FakeOrg Org { get; }

    public FakeUser User { get; }

    public FakeConnectedApp App { get; }

    /// <summary>A plain client (no library) for checking tokens on pods directly.</summary>
    public HttpClient Raw { get; }

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public int JwtRequests => Fake.Counters.TokenRequests(JwtGrant);

    public static async Task<EndToEndKit> StartAsync(Action<FakeSalesforceOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var options = new FakeSalesforceOptions { TimeProvider = time };
        configure?.Invoke(options);
        var fake = await FakeSalesforce.StartAsync(options, Cancel);
        var org = fake.AddOrg("acme");
        var user = org.AddUser("integration@acme.com");
        var app = fake.AddConnectedApp(new FakeConnectedApp
        {
            Certificate = Keys.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
        });
        app.PreAuthorizedUsers.Add(user);
        return new EndToEndKit(fake, time, org, user, app);
    }

    /// <summary>The library settings that reach the emulator as <paramref name="user"/> (default: the kit's user).</summary>
    public void Configure(SalesforceClientOptions options, FakeUser? user = null)
    {
        options.LoginUrl = Fake.LoginUrl;
        options.ClientId = App.ConsumerKey;
        options.Username = (user ?? User).Username;
        options.PrivateKeyPem = Keys.PrivateKeyPem;
        options.CertificatePem = Keys.CertificatePem;
        options.AllowInsecureLoopback = true;
    }

    public SalesforceClientOptions Options(FakeUser? user = null)
    {
        var options = new SalesforceClientOptions();
        Configure(options, user);
        return options;
    }

    /// <summary>The uncached JWT core on a back channel without automatic redirects, on the shared clock.</summary>
    public SalesforceTokenClient TokenClient(SalesforceClientOptions options) => new(Raw, options, Time);

    /// <summary>A container with the shared clock registered before the library (which only TryAdds the system clock).</summary>
    public ServiceProvider Services(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A container with one Salesforce client "crm" for the kit's user, and its HttpClient.</summary>
    public (ServiceProvider Services, HttpClient Client) Crm(Action<SalesforceClientOptions>? configure = null)
    {
        var services = Services(s => s.AddSalesforceClient("crm", o =>
        {
            Configure(o);
            configure?.Invoke(o);
        }).AddHttpClient());
        return (services, services.GetRequiredService<IHttpClientFactory>().CreateClient("crm"));
    }

    public async Task<HttpResponseMessage> GetWithTokenAsync(Uri url, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Raw.SendAsync(request, Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        await Fake.DisposeAsync();
    }
}
