using System.Net;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

/// <summary>Experience Cloud sites (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5): the site URL is the login URL and the audience.</summary>
public sealed class SiteEmulatorTests
{
    [Fact]
    public async Task JwtGrant_AtTheSiteWithTheSiteAudience_TokenCarriesTheSite()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");

        var token = await kit.TokenAsync(await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = site.Url.AbsoluteUri), site.TokenEndpoint));

        Assert.Equal(site.Url.AbsoluteUri, token.GetProperty("sfdc_community_url").GetString());
        Assert.StartsWith("0DB", token.GetProperty("sfdc_community_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(site.NetworkId, token.GetProperty("sfdc_community_id").GetString());
        Assert.Equal($"{site}/id/{kit.Org.OrgId}/{kit.User.UserId}", token.GetProperty("id").GetString());
        Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), token.GetProperty("instance_url").GetString());
        Assert.EndsWith(":" + site.Url.Port + "/customers", site.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtGrant_AtTheSiteWithTheLoginAudience_AudienceIsInvalid()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");

        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(), site.TokenEndpoint), "invalid_grant", "audience is invalid");
    }

    [Fact]
    public async Task JwtGrant_SiteAudienceAtTheLoginService_AudienceIsInvalid()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");

        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = site.ToString())), "invalid_grant", "audience is invalid");
    }

    [Fact]
    public async Task JwtGrant_UserOfAnotherOrgAtTheSite_InvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");
        var other = kit.Fake.AddOrg("globex").AddUser("someone@globex.com");
        kit.App.PreAuthorizedUsers.Add(other);

        var jwt = kit.Jwt(c =>
        {
            c["aud"] = site.ToString();
            c["sub"] = other.Username;
        });

        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(jwt, site.TokenEndpoint), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task SamlGrant_AtTheSite_RecipientAndAudienceAreTheSite()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("partners");
        var saml = new SamlBuilder
        {
            Issuer = kit.App.ConsumerKey,
            NameId = kit.User.Username,
            Recipient = site.TokenEndpoint.AbsoluteUri,
            Audience = site.ToString(),
            Now = kit.Fake.UtcNow,
        };

        var token = await kit.TokenAsync(await kit.PostAsync(site.TokenEndpoint, ("grant_type", EmulatorKit.SamlGrant), ("assertion", saml.Build())));

        Assert.Equal(site.ToString(), token.GetProperty("sfdc_community_url").GetString());
    }

    [Fact]
    public async Task SiteHost_OutsideItsPathPrefix_NotFound()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");

        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = site.ToString()), new Uri(site.Url, "/services/oauth2/token"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(kit.Fake.RequestLog, e => e.Listener.StartsWith("site:", StringComparison.Ordinal) && e.StatusCode == 404 && e.Path == "/services/oauth2/token");
        Assert.Equal(0, kit.Fake.Counters.TokenRequests(EmulatorKit.JwtGrant));
    }

    [Fact]
    public async Task ClientCredentials_AtTheSite_NotSupportedOnThisDomain()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite("customers");

        var response = await kit.PostAsync(site.TokenEndpoint, ("grant_type", "client_credentials"), ("client_id", kit.App.ConsumerKey), ("client_secret", kit.App.ConsumerSecret!));

        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "request not supported on this domain");
    }

    [Fact]
    public async Task SiteWithoutPrefix_ServesAtItsRoot()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var site = kit.Org.AddSite();

        var token = await kit.TokenAsync(await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = site.ToString()), site.TokenEndpoint));

        Assert.Equal(site.Url.GetLeftPart(UriPartial.Authority), token.GetProperty("sfdc_community_url").GetString());
        Assert.Equal(string.Empty, site.PathPrefix);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("with space")]
    public async Task AddSite_PrefixNotOneSegment_Refused(string prefix)
    {
        await using var kit = await EmulatorKit.StartAsync();

        Assert.Throws<ArgumentException>(() => kit.Org.AddSite(prefix));
    }
}
