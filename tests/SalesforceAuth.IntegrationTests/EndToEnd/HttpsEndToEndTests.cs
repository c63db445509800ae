using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// FakeSalesforce over HTTPS with its own certificate authority: the library with production settings (no
/// AllowInsecureLoopback) except the login URL, trusting that authority and nothing else.
/// </summary>
public sealed class HttpsEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProductionSettings_TrustingOnlyTheFakesAuthority_GetTokenAndCallTheApiOverHttps()
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        using var keys = FakeSalesforceCertificates.CreateKeyPair();
        var org = salesforce.AddOrg("acme");
        var user = org.AddUser("integration@acme.example");
        var app = salesforce.AddConnectedApp(new FakeConnectedApp
        {
            Certificate = keys.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            PreAuthorizedUsers = { user },
        });
        var services = new ServiceCollection();
        services.AddFakeSalesforceTrust(salesforce);
        services.AddSalesforceClient("crm", o =>
        {
            o.LoginUrl = salesforce.LoginUrl;
            o.ClientId = app.ConsumerKey;
            o.Username = user.Username;
            o.PrivateKeyPem = keys.PrivateKeyPem;
            o.CertificatePem = keys.CertificatePem;
        }).AddHttpClient();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var token = await provider.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: Ct);
        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm").GetAsync("/services/data/v62.0/limits", Ct);

        Assert.Equal(Uri.UriSchemeHttps, salesforce.LoginUrl.Scheme);
        Assert.Equal(org.InstanceUrl, token.InstanceUrl);
        Assert.Equal(Uri.UriSchemeHttps, token.InstanceUrl.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(org.InstanceUrl.Authority, response.RequestMessage!.RequestUri!.Authority);
        Assert.Equal(1, salesforce.Counters.TokenRequests(EndToEndKit.JwtGrant, "success"));
    }

    [Fact]
    public async Task CertificateAuthority_ShortLivedRootOfTheServersChain_ServerCertificateNamesLoopback()
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        X509Certificate2? served = null;
        using var handler = salesforce.CreateHttpMessageHandler();
        var policy = handler.SslOptions.CertificateChainPolicy!;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            served = certificate is null ? null : new X509Certificate2(certificate);
            return errors == System.Net.Security.SslPolicyErrors.None;
        };
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri(salesforce.LoginUrl, "/services/data"), Ct);

        var root = salesforce.CertificateAuthority!;
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.Equal(root, Assert.Single(policy.CustomTrustStore));
        Assert.True(Assert.Single(root.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.False(root.HasPrivateKey);
        Assert.InRange(root.NotAfter - root.NotBefore, TimeSpan.FromDays(1), TimeSpan.FromDays(8));
        Assert.NotNull(served);
        Assert.Equal(root.Subject, served!.Issuer);
        Assert.True(served.MatchesHostname("127.0.0.1"));
        Assert.True(served.MatchesHostname("localhost"));
        served.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddFakeSalesforceTrust_ClientsWithTheirOwnPrimaryHandler_KeepTheirSettingsAndTrustOnlyThatInstance(bool httpClientHandler)
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        await using var other = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        var services = new ServiceCollection();
        services.AddFakeSalesforceTrust(salesforce);
        services.AddHttpClient("own")
            .ConfigurePrimaryHttpMessageHandler(() => httpClientHandler ? new HttpClientHandler { AllowAutoRedirect = false } : new SocketsHttpHandler { AllowAutoRedirect = false });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("own");
        salesforce.InjectApiFault(FakeFault.Redirect(new Uri(salesforce.GetPodUrl("eu2"), "/services/data")));

        using var redirect = await client.GetAsync(new Uri(salesforce.GetPodUrl("na1"), "/services/data/v62.0/"), Ct);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(other.GetPodUrl("na1"), "/services/data"), Ct));

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.IsType<AuthenticationException>(ex.InnerException);
    }

    [Fact]
    public async Task PlainHandler_TheFakesCertificateIsNotInTheMachinesTrust_FailsTheTlsHandshake()
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient(new SocketsHttpHandler());

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(salesforce.LoginUrl, "/services/data"), Ct));

        Assert.IsType<AuthenticationException>(ex.InnerException);
    }

    [Fact]
    public async Task HandlerOfAnotherInstance_TrustsItsOwnAuthorityOnly_FailsTheTlsHandshake()
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        await using var other = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        using var trustsOther = new HttpClient(other.CreateHttpMessageHandler());
        using var trustsOwn = new HttpClient(salesforce.CreateHttpMessageHandler());

        var versions = new Uri(salesforce.GetPodUrl("na1"), "/services/data");
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => trustsOther.GetAsync(versions, Ct));
        using var own = await trustsOwn.GetAsync(versions, Ct);

        Assert.IsType<AuthenticationException>(ex.InnerException);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task ProductionSettings_LibraryWithoutTheFakesAuthority_FailsOnTls()
    {
        await using var salesforce = await FakeSalesforce.StartAsync(cancellationToken: Ct);
        using var keys = FakeSalesforceCertificates.CreateKeyPair();
        var client = new SalesforceTokenClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }), new SalesforceClientOptions
        {
            LoginUrl = salesforce.LoginUrl,
            ClientId = "3MVG9tls",
            Username = "integration@acme.example",
            PrivateKeyPem = keys.PrivateKeyPem,
            MaxRetries = 0,
        });

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.Contains(Causes(ex), e => e is AuthenticationException);
        Assert.Empty(salesforce.RequestLog);
    }

    [Fact]
    public async Task UseHttpsOff_PlainHttpWithAllowInsecureLoopback_StillWorks()
    {
        await using var kit = await EndToEndKit.StartAsync(o => o.UseHttps = false);
        var (services, client) = kit.Crm(o => o.AllowInsecureLoopback = true);
        await using var _ = services;

        using var response = await client.GetAsync(EndToEndKit.DataPath + "limits", Ct);

        Assert.Equal(Uri.UriSchemeHttp, kit.Fake.LoginUrl.Scheme);
        Assert.Equal(Uri.UriSchemeHttp, kit.Org.InstanceUrl.Scheme);
        Assert.Null(kit.Fake.CertificateAuthority);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, kit.JwtRequests);
    }

    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }
}
