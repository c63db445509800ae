using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

public sealed class TokenCacheKeyTests
{
    [Fact]
    public void Create_DistinguishesEverythingThatMakesAnotherSession()
    {
        var baseline = TokenCacheKey.Create("test", TestManagers.Options(), null);
        var sameAgain = TokenCacheKey.Create("test", TestManagers.Options(), null);
        var site = TestManagers.Options();
        site.LoginUrl = new Uri("https://acme.my.site.com/partners");
        var otherSite = TestManagers.Options();
        otherSite.LoginUrl = new Uri("https://acme.my.site.com/customers");
        var otherApp = TestManagers.Options();
        otherApp.ClientId = "3MVG9other";
        var otherAudience = TestManagers.Options();
        otherAudience.Audience = "https://test.salesforce.com";
        var otherFlow = TestManagers.Options();
        otherFlow.Flow = SalesforceFlow.SamlBearer;

        Assert.Equal(baseline, sameAgain);
        Assert.Equal(baseline.DistributedKey, sameAgain.DistributedKey);
        AssertAllDistinct(
            baseline,
            TokenCacheKey.Create("test", site, null),
            TokenCacheKey.Create("test", otherSite, null),
            TokenCacheKey.Create("test", otherApp, null),
            TokenCacheKey.Create("test", otherAudience, null),
            TokenCacheKey.Create("test", otherFlow, null),
            TokenCacheKey.Create("test", TestManagers.Options(), new SalesforceTokenRequest { Username = "jane@acme.com" }),
            TokenCacheKey.Create("other", TestManagers.Options(), null));
        Assert.DoesNotContain("integration", baseline.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Create_ConfiguredUsername_IsPartOfTheKey()
    {
        var integration = TestManagers.Options();
        var jane = TestManagers.Options();
        jane.Username = "jane@acme.com";

        // The same connection re-deployed with another user (a fleet mid-rollout shares the distributed cache).
        AssertAllDistinct(TokenCacheKey.Create("crm", integration, null), TokenCacheKey.Create("crm", jane, null));

        // And a caller asking for the configured user explicitly shares the configured user's slot (single flight).
        Assert.Equal(
            TokenCacheKey.Create("crm", jane, null),
            TokenCacheKey.Create("crm", integration, new SalesforceTokenRequest { Username = "jane@acme.com" }));
    }

    [Fact]
    public void Create_UsernamesDifferingInAsciiCase_ShareOneKey()
    {
        var lower = TokenCacheKey.Create("crm", TestManagers.Options(), new SalesforceTokenRequest { Username = "jane.doe@acme.com" });
        var mixed = TokenCacheKey.Create("crm", TestManagers.Options(), new SalesforceTokenRequest { Username = "Jane.DOE@Acme.com" });

        Assert.Equal(lower, mixed);
        Assert.Equal(lower.GetHashCode(), mixed.GetHashCode());
        Assert.Equal(lower.DistributedKey, mixed.DistributedKey);
    }

    [Fact]
    public void Create_NonAsciiRequestUsername_ArgumentExceptionInsteadOfAFoldedKey()
    {
        // U+017F (long s) upper-cases to 'S': compared after ToUpperInvariant it was served sales@acme.com's token.
        var error = Assert.Throws<ArgumentException>(() => TokenCacheKey.Create("crm", TestManagers.Options(), new SalesforceTokenRequest { Username = "\u017Fales@acme.com" }));

        Assert.Equal("request", error.ParamName);
        Assert.Contains("U+017F", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NonAsciiConfiguredUsername_ConfigurationErrorNamingUsername()
    {
        var options = TestManagers.Options();
        options.Username = "\u212Aelvin@acme.com";

        var error = Assert.Throws<SalesforceConfigurationException>(() => TokenCacheKey.Create("crm", options, null));

        Assert.Equal("Username", error.Setting);
        Assert.Contains("U+212A", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefreshStoreConnectionsOnOneLoginUrlAndApp_DoNotShareAKey()
    {
        // The ISV setup: one connected app, one login URL, a refresh token store per customer org, no RefreshToken set.
        var acme = RefreshOptions(hasStore: true);
        var globex = RefreshOptions(hasStore: true);

        AssertAllDistinct(TokenCacheKey.Create("acme", acme, null), TokenCacheKey.Create("globex", globex, null));
        Assert.Equal(TokenCacheKey.Create("acme", acme, null), TokenCacheKey.Create("acme", RefreshOptions(hasStore: true), null));
    }

    [Fact]
    public void Create_RefreshFlow_KeysTheChainAndIgnoresOverridesTheFlowDoesNotSend()
    {
        var options = RefreshOptions(hasStore: false, refreshToken: "5Aep861first");
        var connection = TokenCacheKey.Create("crm", options, null);

        Assert.Equal(connection, TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { Username = "jane@acme.com", SubjectToken = "ignored" }));
        Assert.Equal(
            TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { RefreshToken = "5Aep861mine" }),
            TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { RefreshToken = "5Aep861mine" }));
        AssertAllDistinct(
            connection,
            TokenCacheKey.Create("crm", RefreshOptions(hasStore: false, refreshToken: "5Aep861second"), null),
            TokenCacheKey.Create("crm", RefreshOptions(hasStore: true, refreshToken: "5Aep861first"), null),

            // A caller's own refresh token is its own chain, even when it is the token the connection was seeded with.
            TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { RefreshToken = "5Aep861first" }),
            TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { RefreshToken = "5Aep861mine" }),
            TokenCacheKey.Create("crm", options, new SalesforceTokenRequest { RefreshToken = "5AEP861MINE" }));
        Assert.DoesNotContain("5Aep861", connection.DistributedKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TokenExchange_KeysEveryGrantParameter()
    {
        static SalesforceClientOptions Exchange(Action<SalesforceClientOptions>? change = null)
        {
            var options = TestManagers.Options();
            options.Flow = SalesforceFlow.TokenExchange;
            options.SubjectToken = "eyJsubject";
            options.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
            change?.Invoke(options);
            return options;
        }

        var baseline = TokenCacheKey.Create("crm", Exchange(), null);

        Assert.Equal(baseline, TokenCacheKey.Create("crm", Exchange(), new SalesforceTokenRequest { Username = "jane@acme.com", RefreshToken = "ignored" }));
        Assert.Equal(baseline, TokenCacheKey.Create("crm", Exchange(o => o.SubjectToken = "other"), new SalesforceTokenRequest { SubjectToken = "eyJsubject" }));
        AssertAllDistinct(
            baseline,
            TokenCacheKey.Create("crm", Exchange(), new SalesforceTokenRequest { SubjectToken = "eyJsomeoneElse" }),
            TokenCacheKey.Create("crm", Exchange(o => o.SubjectTokenType = "urn:ietf:params:oauth:token-type:access_token"), null),
            TokenCacheKey.Create("crm", Exchange(o => (o.ActorToken, o.ActorTokenType) = ("eyJactor", "urn:ietf:params:oauth:token-type:jwt")), null),
            TokenCacheKey.Create("crm", Exchange(o => (o.ActorToken, o.ActorTokenType) = ("eyJotherActor", "urn:ietf:params:oauth:token-type:jwt")), null),
            TokenCacheKey.Create("crm", Exchange(o => o.TokenExchangeHandler = "PartnerHandler"), null),
            TokenCacheKey.Create("crm", Exchange(o => o.Scope = "api"), null),
            TokenCacheKey.Create("crm", Exchange(o => o.Scope = "api refresh_token"), null));
    }

    [Fact]
    public void Create_ClientCredentials_OnePrincipalPerAppAndMyDomain()
    {
        static SalesforceClientOptions Client(string clientId = "3MVG9test", string loginUrl = "https://acme.my.salesforce.com")
        {
            var options = TestManagers.Options();
            options.Flow = SalesforceFlow.ClientCredentials;
            options.ClientId = clientId;
            options.LoginUrl = new Uri(loginUrl);
            options.ClientSecret = "secret";
            return options;
        }

        var baseline = TokenCacheKey.Create("crm", Client(), null);

        // Salesforce issues the token for the app's Run As user: no override selects another principal.
        Assert.Equal(baseline, TokenCacheKey.Create("crm", Client(), new SalesforceTokenRequest { Username = "jane@acme.com", RefreshToken = "x", SubjectToken = "y" }));
        Assert.Equal(baseline, TokenCacheKey.Create("crm", Client(loginUrl: "https://ACME.my.salesforce.com/"), null));
        AssertAllDistinct(
            baseline,
            TokenCacheKey.Create("crm", Client(clientId: "3MVG9TEST"), null),
            TokenCacheKey.Create("crm", Client(loginUrl: "https://globex.my.salesforce.com"), null),
            TokenCacheKey.Create("erp", Client(), null));
    }

    [Fact]
    public void Create_SamlNameIdFormat_IsPartOfTheSamlKey()
    {
        var unspecified = TestManagers.Options();
        unspecified.Flow = SalesforceFlow.SamlBearer;
        var email = TestManagers.Options();
        email.Flow = SalesforceFlow.SamlBearer;
        email.SamlNameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

        AssertAllDistinct(TokenCacheKey.Create("crm", unspecified, null), TokenCacheKey.Create("crm", email, null));
    }

    [Fact]
    public void Create_ValuesThatImitateFieldBoundaries_DoNotCollide()
    {
        var a = TestManagers.Options();
        a.Flow = SalesforceFlow.TokenExchange;
        a.SubjectToken = "s";
        a.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
        a.TokenExchangeHandler = "h;1:x";
        var b = TestManagers.Options();
        b.Flow = SalesforceFlow.TokenExchange;
        b.SubjectToken = "s";
        b.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
        b.TokenExchangeHandler = "h";
        b.Scope = "x";

        AssertAllDistinct(TokenCacheKey.Create("crm", a, null), TokenCacheKey.Create("crm", b, null));
    }

    private static SalesforceClientOptions RefreshOptions(bool hasStore, string? refreshToken = null)
    {
        var options = TestManagers.Options();
        options.Flow = SalesforceFlow.RefreshToken;
        options.LoginUrl = SalesforceClientOptions.ProductionLoginUrl;
        options.ClientSecret = "secret";
        options.RefreshToken = refreshToken;
        options.HasRefreshTokenStore = hasStore;
        return options;
    }

    private static void AssertAllDistinct(params TokenCacheKey[] keys)
    {
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(keys.Length, keys.Select(k => k.DistributedKey).Distinct(StringComparer.Ordinal).Count());
    }
}
