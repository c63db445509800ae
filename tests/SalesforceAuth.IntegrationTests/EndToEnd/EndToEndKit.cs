using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// The real SalesforceAuth library against a real <see cref="FakeSalesforce"/> over loopback (<see cref="EmulatorFixture"/>,
/// org "acme" on pod na1), the clock shared by the emulator and the library, so no test sleeps for timing. Nothing of the
/// library is replaced.
/// </summary>
internal sealed class EndToEndKit : EmulatorFixture
{
    public const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string DataPath = "/services/data/v62.0/";

    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=end-to-end tests"));
    private static readonly Lazy<FakeSalesforceKeyPair> SharedOtherKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=not the uploaded certificate"));

    private EndToEndKit(Setup setup)
        : base(setup)
    {
    }

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public static FakeSalesforceKeyPair OtherKeys => SharedOtherKeys.Value;

    public int JwtRequests => Fake.Counters.TokenRequests(JwtGrant);

    public static async Task<EndToEndKit> StartAsync(Action<FakeSalesforceOptions>? configure = null) =>
        new(await SetUpAsync(Keys, runAsUser: false, configure));

    /// <summary>The library settings that reach the emulator as <paramref name="user"/> (default: the kit's user).</summary>
    public void Configure(SalesforceClientOptions options, FakeUser? user = null)
    {
        options.LoginUrl = Fake.LoginUrl;
        options.ClientId = App.ConsumerKey;
        options.Username = (user ?? User).Username;
        options.PrivateKeyPem = Keys.PrivateKeyPem;
        options.CertificatePem = Keys.CertificatePem;
    }

    public SalesforceClientOptions Options(FakeUser? user = null)
    {
        var options = new SalesforceClientOptions();
        Configure(options, user);
        return options;
    }

    /// <summary>The uncached JWT core on a back channel without automatic redirects, on the shared clock.</summary>
    public SalesforceTokenClient TokenClient(SalesforceClientOptions options) => new(Http, options, Time);

    /// <summary>A container with the shared clock registered before the library (which only TryAdds the system clock),
    /// and every HttpClient (the library's back channel too) trusting the emulator's certificate authority.</summary>
    public ServiceProvider Services(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        TrustEmulator(services);
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

}
