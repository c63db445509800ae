using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>A started emulator with one production org, one user and one pre-authorized app, and SalesforceAuth clients pointed at it.</summary>
internal sealed class FlowKit : EmulatorFixture
{
    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=flows tests"));

    private FlowKit(Setup setup)
        : base(setup)
    {
    }

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public static async Task<FlowKit> StartAsync(Action<FakeSalesforceOptions>? configure = null) =>
        new(await SetUpAsync(Keys, runAsUser: true, configure));

    /// <summary>Settings for <paramref name="flow"/> against the emulator: login host (My Domain for client credentials), the app's key and secret.</summary>
    public SalesforceClientOptions Options(SalesforceFlow flow, Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions();
        Configure(options, flow, configure);
        return options;
    }

    /// <summary>Fills <paramref name="options"/> as <see cref="Options"/> does (for <c>AddSalesforceClient</c>).</summary>
    public void Configure(SalesforceClientOptions options, SalesforceFlow flow, Action<SalesforceClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Flow = flow;
        options.LoginUrl = flow == SalesforceFlow.ClientCredentials ? Org.MyDomainUrl : Fake.LoginUrl;
        options.ClientId = App.ConsumerKey;
        options.MaxRetries = 0;
        options.UseIntrospection = false;
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
    }

    public SalesforceTokenClient Client(SalesforceClientOptions options, ISalesforceRefreshTokenStore? store = null) =>
        new(Http, options, Time, refreshTokenStore: store);

    /// <summary>Calls the REST API on the token's own instance (or on <paramref name="host"/>).</summary>
    public Task<HttpResponseMessage> ApiAsync(SalesforceToken token, Uri? host = null) =>
        GetWithTokenAsync(new Uri(host ?? token.InstanceUrl, "/services/data/v62.0/sobjects"), token.AccessToken);
}
