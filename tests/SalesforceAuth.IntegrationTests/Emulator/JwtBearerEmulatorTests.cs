using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class JwtBearerEmulatorTests
{
    [Fact]
    public async Task JwtGrant_ValidAssertion_ReturnsTokenWithoutRefreshTokenOrExpiresIn()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.JwtGrantAsync(kit.Jwt());
        Assert.Equal("application/json;charset=UTF-8", EmulatorKit.RawContentType(response));
        var token = await kit.TokenAsync(response);

        var names = token.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["access_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"], names);
        Assert.StartsWith(kit.Org.OrgId[..15] + "!", token.GetProperty("access_token").GetString());
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal("api refresh_token offline_access", token.GetProperty("scope").GetString());
        Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), token.GetProperty("instance_url").GetString());
        var id = token.GetProperty("id").GetString()!;
        Assert.Equal($"{kit.Fake.LoginUrl.GetLeftPart(UriPartial.Authority)}/id/{kit.Org.OrgId}/{kit.User.UserId}", id);
        var issuedAt = token.GetProperty("issued_at").GetString()!;
        Assert.Equal(EmulatorKit.Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), issuedAt);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(kit.App.ConsumerSecret!), Encoding.UTF8.GetBytes(id + issuedAt)));
        Assert.Equal(expected, token.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task JwtGrant_AppWithoutSecret_OmitsSignature()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.ConsumerSecret = null;
        var token = await kit.JwtTokenAsync();
        Assert.False(token.TryGetProperty("signature", out _));
        Assert.True(token.TryGetProperty("issued_at", out _));
    }

    [Theory]
    [InlineData("number")]
    [InlineData("string")]
    [InlineData("milliseconds")]
    public async Task JwtGrant_ExpForms_AreAccepted(string form)
    {
        await using var kit = await EmulatorKit.StartAsync();
        var exp = kit.Fake.UtcNow.AddMinutes(2).ToUnixTimeSeconds();
        var assertion = kit.Jwt(c => c["exp"] = form switch
        {
            "number" => exp,
            "string" => exp.ToString(CultureInfo.InvariantCulture),
            _ => exp * 1000,
        });
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(assertion)).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_PrnInsteadOfSub_IsAcceptedAndWins()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var assertion = kit.Jwt(c =>
        {
            c["sub"] = "nobody@acme.com";
            c["prn"] = kit.User.Username;
        });
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(assertion)).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_ExtraTypAndIat_AreAccepted()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = kit.App.ConsumerKey,
            ["sub"] = kit.User.Username,
            ["aud"] = "https://login.salesforce.com",
            ["exp"] = kit.Fake.UtcNow.AddMinutes(2).ToUnixTimeSeconds(),
            ["iat"] = kit.Fake.UtcNow.ToUnixTimeSeconds(),
        };
        var assertion = EmulatorKit.SignJwt(new() { ["alg"] = "RS256", ["typ"] = "JWT" }, claims);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(assertion)).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_MyDomainHostWithLoginAudience_Succeeds()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.TokenAsync(await kit.JwtGrantAsync(kit.Jwt(), kit.MyDomainToken));
        Assert.StartsWith(kit.Org.MyDomainUrl.GetLeftPart(UriPartial.Authority) + "/id/", token.GetProperty("id").GetString());
    }

    [Fact]
    public async Task JwtGrant_MyDomainAudience_IsAcceptedOnLoginAndMyDomain()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var myDomain = kit.Org.MyDomainUrl.GetLeftPart(UriPartial.Authority);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = myDomain))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = myDomain), kit.MyDomainToken)).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_SandboxUser_WorksOnSandboxLoginWithTestAudience()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var sandbox = kit.Fake.AddOrg("acme--uat", sandbox: true, pod: "cs42");
        var user = sandbox.AddUser("integration@acme.com.uat");
        kit.App.PreAuthorizedUsers.Add(user);
        var assertion = kit.Jwt(c =>
        {
            c["sub"] = user.Username;
            c["aud"] = "https://test.salesforce.com";
        });

        var token = await kit.TokenAsync(await kit.JwtGrantAsync(assertion, new Uri(kit.Fake.SandboxLoginUrl, "/services/oauth2/token")));
        Assert.Equal(sandbox.InstanceUrl.GetLeftPart(UriPartial.Authority), token.GetProperty("instance_url").GetString());

        // The same sandbox user at the production login service is not a user of any org reached there.
        var production = kit.Jwt(c => c["sub"] = user.Username);
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(production), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task TokenEndpoint_Get_IsInvalidRequestMustUsePost()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.GetAsync(kit.LoginToken + "?grant_type=" + EmulatorKit.JwtGrant, null);
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_request", "must use HTTP POST");
    }

    [Fact]
    public async Task TokenEndpoint_JsonBody_IsUnsupportedGrantType()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var json = new StringContent($$"""{"grant_type":"{{EmulatorKit.JwtGrant}}","assertion":"{{kit.Jwt()}}"}""", Encoding.UTF8, "application/json");
        var response = await kit.Http.PostAsync(kit.LoginToken, json, TestContext.Current.CancellationToken);
        await EmulatorKit.AssertOAuthErrorAsync(response, "unsupported_grant_type", "grant type not supported");
    }

    [Theory]
    [InlineData("")]
    [InlineData("password")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt")]
    public async Task TokenEndpoint_UnknownGrantType_IsUnsupportedGrantType(string grantType)
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.PostAsync(kit.LoginToken, ("grant_type", grantType), ("assertion", kit.Jwt()));
        await EmulatorKit.AssertOAuthErrorAsync(response, "unsupported_grant_type", "grant type not supported");
    }

    [Fact]
    public async Task JwtGrant_FlowDisabled_IsUnsupportedGrantType()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.EnabledFlows = FakeOAuthFlows.All & ~FakeOAuthFlows.JwtBearer;
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "unsupported_grant_type", "grant type not supported");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("e30.e30.AAAA")]
    public async Task JwtGrant_Unparseable_IsInvalidAssertion(string assertion)
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(assertion), "invalid_grant", "invalid assertion");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS512")]
    [InlineData("none")]
    public async Task JwtGrant_AlgorithmOtherThanRs256_IsInvalidAssertion(string alg)
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(alg: alg)), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task JwtGrant_UnknownIssuer_IsInvalidClientId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["iss"] = "3MVG9unknown"));
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_client_id", "client identifier invalid");
    }

    [Fact]
    public async Task JwtGrant_SignedWithAnotherKey_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        using var other = EmulatorKit.OtherKeys.GetPrivateKey();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(key: other)), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task JwtGrant_TamperedPayload_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var parts = kit.Jwt().Split('.');
        var forged = EmulatorKit.B64(Encoding.UTF8.GetBytes($$"""{"iss":"{{kit.App.ConsumerKey}}","sub":"{{kit.User.Username}}","aud":"https://login.salesforce.com","exp":9999999999}"""));
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(parts[0] + "." + forged + "." + parts[2]), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task JwtGrant_AppWithoutCertificate_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.Certificate = null;
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_grant", "invalid assertion");
    }

    [Theory]
    [InlineData("login.salesforce.com")]
    [InlineData("https://login.salesforce.com/")]
    [InlineData("https://test.salesforce.com")]
    [InlineData("array")]
    [InlineData("missing")]
    public async Task JwtGrant_BadAudience_IsAudienceIsInvalid(string aud)
    {
        await using var kit = await EmulatorKit.StartAsync();
        var assertion = kit.Jwt(c =>
        {
            if (aud == "missing")
            {
                c.Remove("aud");
            }
            else
            {
                c["aud"] = aud == "array" ? new[] { "https://login.salesforce.com" } : aud;
            }
        });
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(assertion), "invalid_grant", "audience is invalid");
    }

    [Fact]
    public async Task JwtGrant_AudienceErrorText_IsConfigurable()
    {
        await using var kit = await EmulatorKit.StartAsync(o => o.JwtAudienceErrorDescription = "Audience validation failed");
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = "https://test.salesforce.com"));
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "Audience validation failed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-3600)]
    public async Task JwtGrant_ExpNotInFuture_IsExpiredAuthorizationCode(int secondsFromNow)
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["exp"] = kit.Fake.UtcNow.AddSeconds(secondsFromNow).ToUnixTimeSeconds()));
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task JwtGrant_MissingExp_IsExpiredAuthorizationCode()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(c => c.Remove("exp"))), "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task JwtGrant_EmulatorClockAhead_ExpiresAssertionBuiltWithClientClock()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var clientNow = kit.Time.GetUtcNow();
        kit.Fake.ClockOffset = TimeSpan.FromMinutes(5);
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["exp"] = clientNow.AddMinutes(3).ToUnixTimeSeconds()));
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "expired authorization code");
        Assert.Equal(clientNow.AddMinutes(5), response.Headers.Date);
    }

    [Fact]
    public async Task JwtGrant_Leeway_AcceptsSlightlyExpiredAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync(o => o.AssertionClockLeeway = TimeSpan.FromSeconds(30));
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["exp"] = kit.Fake.UtcNow.AddSeconds(-10).ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task JwtGrant_StrictMode_RejectsFarFutureExp()
    {
        await using var kit = await EmulatorKit.StartAsync(o => o.StrictAssertionExpiry = true);
        var far = kit.Jwt(c => c["exp"] = kit.Fake.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(far), "invalid_grant", "invalid assertion");
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_UnknownSubject_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt(c => c["sub"] = "ghost@acme.com")), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task JwtGrant_UserOfAnotherOrgAtMyDomain_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var other = kit.Fake.AddOrg("globex").AddUser("ops@globex.com");
        kit.App.PreAuthorizedUsers.Add(other);
        var response = await kit.JwtGrantAsync(kit.Jwt(c => c["sub"] = other.Username), kit.MyDomainToken);
        await EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task JwtGrant_InactiveUser_IsInactiveUser()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.User.IsActive = false;
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_grant", "inactive user");
    }

    [Fact]
    public async Task JwtGrant_AdminApprovedUserNotPreAuthorized_IsUserHasNotApproved()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.PreAuthorizedUsers.Clear();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_grant", "user hasn't approved this consumer");
    }

    [Fact]
    public async Task JwtGrant_SelfAuthorize_NeedsRefreshTokenApprovalAndOfflineScope()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.PreAuthorizedUsers.Clear();
        kit.App.PermittedUsers = FakePermittedUsers.AllUsersMaySelfAuthorize;
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_grant", "user hasn't approved this consumer");

        kit.Fake.IssueRefreshToken(kit.App, kit.User);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);

        // The app lost the refresh_token/offline_access scope: the approval no longer counts (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5).
        kit.App.Scopes = "api";
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_grant", "user hasn't approved this consumer");
    }

    [Fact]
    public async Task JwtGrant_ExternalClientApp_NotInstalledThenNotAssigned()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.IsExternalClientApp = true;
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "app_not_found", "External client app is not installed in this org");

        kit.App.InstalledInOrgs.Add(kit.Org);
        kit.App.PreAuthorizedUsers.Clear();
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "invalid_app_access", "user is not admin approved to access this app");

        kit.App.PreAuthorizedUsers.Add(kit.User);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
    }

    [Fact]
    public async Task JwtGrant_ExternalClientAppWithTestAudience_IsAppNotFound()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var sandbox = kit.Fake.AddOrg("acme--uat", sandbox: true);
        var user = sandbox.AddUser("integration@acme.com.uat");
        kit.App.IsExternalClientApp = true;
        kit.App.InstalledInOrgs.Add(sandbox);
        kit.App.PreAuthorizedUsers.Add(user);
        var sandboxToken = new Uri(kit.Fake.SandboxLoginUrl, "/services/oauth2/token");

        var test = kit.Jwt(c => { c["sub"] = user.Username; c["aud"] = "https://test.salesforce.com"; });
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(test, sandboxToken), "app_not_found", "External client app is not installed in this org");

        var myDomain = kit.Jwt(c => { c["sub"] = user.Username; c["aud"] = sandbox.MyDomainUrl.GetLeftPart(UriPartial.Authority); });
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(myDomain, sandboxToken)).StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_QueryStringParametersOnPost_AreAccepted()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var url = $"{kit.LoginToken}?grant_type={Uri.EscapeDataString(EmulatorKit.JwtGrant)}&assertion={kit.Jwt()}";
        var response = await kit.Http.PostAsync(url, null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
