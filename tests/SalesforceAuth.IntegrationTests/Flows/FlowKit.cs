using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>A started emulator with one production org, one user and one pre-authorized app, and SalesforceAuth clients pointed at it.</summary>
internal sealed class FlowKit : IAsyncDisposable
{
    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=flows tests"));

    private FlowKit(FakeSalesforce fake, FakeTimeProvider time, FakeOrg org, FakeUser user, FakeConnectedApp app)
    {
        Fake = fake;
        Time = time;
        Org = org;
        User = user;
        App = app;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    }

    public static DateTimeOffset Start { get; } = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public FakeSalesforce Fake { get; }

    public FakeTimeProvider Time { get; }

    public FakeOrg Org { get; }

    public FakeUser User { get; }

    public FakeConnectedApp App { get; }

    public HttpClient Http { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<FlowKit> StartAsync(Action<FakeSalesforceOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var options = new FakeSalesforceOptions { TimeProvider = time };
        configure?.Invoke(options);
        var fake = await FakeSalesforce.StartAsync(options, Ct);
        var org = fake.AddOrg("acme");
        var user = org.AddUser("integration@acme.com");
        var app = fake.AddConnectedApp(new FakeConnectedApp
        {
            Certificate = Keys.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            PreAuthorizedUsers = { user },
            RunAsUser = user,
        });
        return new FlowKit(fake, time, org, user, app);
    }

    /// <summary>Settings for <paramref name="flow"/> against the emulator: login host (My Domain for client credentials), the app's key and secret.</summary>
    public SalesforceClientOptions Options(SalesforceFlow flow, Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions
        {
            Flow = flow,
            LoginUrl = flow == SalesforceFlow.ClientCredentials ? Org.MyDomainUrl : Fake.LoginUrl,
            AllowInsecureLoopback = true,
            ClientId = App.ConsumerKey,
            MaxRetries = 0,
            UseIntrospection = false,
        };
        switch (flow)
        {
            case SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer:
                options.Username = User.Username;
                options.PrivateKeyPem = Keys.PrivateKeyPem;
                options.CertificatePem = Keys.CertificatePem;
                break;
            case SalesforceFlow.RefreshToken:
                options.ClientSecret = App.ConsumerSecret;
                options.RefreshToken = "set-by-the-test";
                break;
            default:
                options.ClientSecret = App.ConsumerSecret;
                break;
        }

        configure?.Invoke(options);
        return options;
    }

    public SalesforceTokenClient Client(SalesforceClientOptions options, ISalesforceRefreshTokenStore? store = null) =>
        new(Http, options, Time, refreshTokenStore: store);

    /// <summary>Calls the REST API on the token's own instance.</summary>
    public async Task<HttpResponseMessage> ApiAsync(SalesforceToken token, Uri? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host ?? token.InstanceUrl, "/services/data/v62.0/sobjects"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return await Http.SendAsync(request, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Fake.DisposeAsync();
    }
}
