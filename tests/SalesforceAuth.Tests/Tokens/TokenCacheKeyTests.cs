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

    [Fact]
    public void Create_TokenExchangeActorTokenType_IsPartOfTheKey()
    {
        static SalesforceClientOptions Exchange(string? actorTokenType)
        {
            var options = TestManagers.Options();
            options.Flow = SalesforceFlow.TokenExchange;
            options.SubjectToken = "eyJsubject";
            options.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
            options.ActorToken = "eyJactor";
            options.ActorTokenType = actorTokenType;
            return options;
        }

        AssertAllDistinct(
            TokenCacheKey.Create("crm", Exchange("urn:ietf:params:oauth:token-type:jwt"), null),
            TokenCacheKey.Create("crm", Exchange("urn:ietf:params:oauth:token-type:access_token"), null));
    }

    [Fact]
    public void Create_BearerFlows_KeyTheAudienceRuleAndOnlySamlKeysTheNameIdFormat()
    {
        var derived = TestManagers.Options();
        var myDomain = TestManagers.Options();
        myDomain.UseMyDomainAsAudience = true;
        var otherNameIdFormat = TestManagers.Options();
        otherNameIdFormat.SamlNameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

        AssertAllDistinct(TokenCacheKey.Create("crm", derived, null), TokenCacheKey.Create("crm", myDomain, null));

        // The JWT flow sends no NameID format: connections differing only there share a session.
        Assert.Equal(TokenCacheKey.Create("crm", derived, null), TokenCacheKey.Create("crm", otherNameIdFormat, null));
    }

    [Fact]
    public void Create_DescribesTheKeyByItsParts()
    {
        var key = TokenCacheKey.Create("crm", TestManagers.Options(), null);

        Assert.Equal("crm", key.Connection);
        Assert.Equal(SalesforceFlow.JwtBearer, key.Flow);
        Assert.Equal("https://acme.my.salesforce.com/services/oauth2/token", key.TokenEndpoint);
        Assert.Equal("3MVG9test", key.ClientId);
        Assert.Equal("crm https://acme.my.salesforce.com/services/oauth2/token 3MVG9test JwtBearer", key.ToString());
        Assert.True(key.Equals((object)TokenCacheKey.Create("crm", TestManagers.Options(), null)));
        Assert.False(key.Equals((object)"crm"));
        Assert.False(key.Equals(null));
    }

    [Fact]
    public void Create_NullArguments_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => TokenCacheKey.Create(null!, TestManagers.Options(), null));
        Assert.Throws<ArgumentNullException>(() => TokenCacheKey.Create("crm", null!, null));
    }

    [Fact]
    public void DistributedKey_StableAcrossReleasesAndMachines()
    {
        // Instances of a fleet (and two releases during a rolling deployment) share distributed cache entries only if
        // they compute the same name for them: these digests change only with DistributedVersion, on purpose. They are
        // SHA-256 of "v2\n" and the length-prefixed fields ("3:crm;9:JwtBearer;...", "-;" for none), in UTF-16LE;
        // secrets enter as the upper-case hex SHA-256 of their UTF-16LE code units.
        var jwt = TestManagers.Options();
        jwt.Username = "Jane@Acme.com";
        var exchange = TestManagers.Options();
        exchange.Flow = SalesforceFlow.TokenExchange;
        exchange.SubjectToken = "eyJsubject";
        exchange.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
        var refresh = TestManagers.Options();
        refresh.Flow = SalesforceFlow.RefreshToken;

        Assert.Equal("CF5D3FB75FD36B6FE8F604CAF72E848644662E84D8717CE788B26478FBE78E69", TokenCacheKey.Create("crm", jwt, null).DistributedKey);
        Assert.Equal("DA8A0ADE60F5C80A00FA40BB621C755FBC83928249F97E791238465A820A45A4", TokenCacheKey.Create("crm", exchange, null).DistributedKey);
        Assert.Equal(
            "8186D1B836AF76C57FADA623E609BE3D650494CCCB620872992AC72D2C33FDA6",
            TokenCacheKey.Create("crm", refresh, new SalesforceTokenRequest { RefreshToken = "5Aep861mine" }).DistributedKey);

        var myDomain = TestManagers.Options();
        myDomain.UseMyDomainAsAudience = true;
        var store = TestManagers.Options();
        store.Flow = SalesforceFlow.RefreshToken;
        store.HasRefreshTokenStore = true;
        var memory = TestManagers.Options();
        memory.Flow = SalesforceFlow.RefreshToken;
        memory.RefreshToken = "5Aep861first";
        Assert.Equal("4BDC4E5A688839E5F5BD7CD2007D2BA2C99E1514D5BD145E5096E6EBD5413891", TokenCacheKey.Create("crm", myDomain, null).DistributedKey);
        Assert.Equal("725F39FECE9738EA62F8BF8A50AD63A7329C0E430C21E9D3137446161FC6AAC0", TokenCacheKey.Create("crm", store, null).DistributedKey);
        Assert.Equal("8CF679122BF222B0D670BF12F6FE68DE3768E8D7001809EBA213C1EE27DFFEB8", TokenCacheKey.Create("crm", memory, null).DistributedKey);
    }

    [Fact]
    public void Create_NoClientId_KeyedAsAnEmptyOne()
    {
        var none = TestManagers.Options();
        none.ClientId = null;
        var empty = TestManagers.Options();
        empty.ClientId = string.Empty;

        Assert.Equal(string.Empty, TokenCacheKey.Create("crm", none, null).ClientId);
        Assert.Equal(TokenCacheKey.Create("crm", empty, null), TokenCacheKey.Create("crm", none, null));
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
