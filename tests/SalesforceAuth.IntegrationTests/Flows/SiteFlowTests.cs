using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>
/// Logins through an Experience Cloud site end to end: with the site URL as <c>LoginUrl</c>, the library posts to the
/// site's token endpoint with the site URL as audience (and SAML recipient), and keeps the site on the token.
/// </summary>
public sealed class SiteFlowTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    [Theory]
    [InlineData(SalesforceFlow.JwtBearer)]
    [InlineData(SalesforceFlow.SamlBearer)]
    public async Task RequestTokenAsync_SiteLoginUrl_SiteAudienceAndTheSiteOnTheToken(SalesforceFlow flow)
    {
        await using var kit = await FlowKit.StartAsync();
        var site = kit.Org.AddSite("customers");
        var client = kit.Client(kit.Options(flow, o => o.LoginUrl = site.Url));

        var assertion = client.CreateAssertion();
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(site.ToString(), assertion.Audience);
        Assert.Equal(site.Url, token.CommunityUrl);
        Assert.Equal(site.NetworkId, token.CommunityId);
        Assert.Equal(kit.Org.InstanceUrl, token.InstanceUrl);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
        Assert.Contains(kit.Fake.RequestLog, e => e.Listener.StartsWith("site:", StringComparison.Ordinal) && e.Path == "/services/oauth2/token");
    }

    [Fact]
    public async Task Handler_TwoSitesOfOneOrg_CachedApartAndBothServed()
    {
        await using var kit = await FlowKit.StartAsync();
        var customers = kit.Org.AddSite("customers");
        var partners = kit.Org.AddSite("partners");
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        services.AddSalesforceClient("customers", o => kit.Configure(o, SalesforceFlow.JwtBearer, x => x.LoginUrl = customers.Url));
        services.AddSalesforceClient("partners", o => kit.Configure(o, SalesforceFlow.JwtBearer, x => x.LoginUrl = partners.Url));
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();

        var a = await tokens.GetTokenAsync("customers", cancellationToken: Ct);
        var b = await tokens.GetTokenAsync("partners", cancellationToken: Ct);

        Assert.Equal(customers.Url, a.CommunityUrl);
        Assert.Equal(partners.Url, b.CommunityUrl);
        Assert.NotEqual(a.AccessToken, b.AccessToken);
        Assert.Equal(2, kit.Fake.Counters.TokenRequests("urn:ietf:params:oauth:grant-type:jwt-bearer", "success"));
    }
}
