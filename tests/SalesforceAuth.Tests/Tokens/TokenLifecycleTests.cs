using System.Net;
using System.Text;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;
using WireMock.ResponseBuilders;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>Introspection, revocation, userinfo, the diagnostic assertion and introspection-driven expiry, over a loopback socket.</summary>
public sealed class TokenLifecycleTests : IDisposable
{
    private const string Secret = "CONSUMERSECRET123";
    private const string IntrospectPath = "/services/oauth2/introspect";
    private const string RevokePath = "/services/oauth2/revoke";
    private const string UserInfoPath = "/services/oauth2/userinfo";
    private readonly TokenEndpointFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SalesforceClientOptions Options(bool secret = true, bool basic = false, bool introspection = false)
    {
        var options = _f.Options();
        options.ClientSecret = secret ? Secret : null;
        options.UseBasicAuthentication = basic;
        options.UseIntrospection = introspection;
        return options;
    }

    private WireMock.Logging.ILogEntry Single(string path) => Assert.Single(_f.Requests, r => r.RequestMessage.Path == path);

    [Fact]
    public async Task IntrospectAsync_Active_ParsesSecondsAndPostsClientCredentials()
    {
        _f.Respond(Json(200, """{"active":true,"scope":"api refresh_token","client_id":"3MVG9testConsumerKey","username":"integration@acme.com","sub":"https://login.salesforce.com/id/00D/005","token_type":"access_token","exp":1718000000,"iat":1717990000,"nbf":1717990001}"""), IntrospectPath);

        var result = await _f.Client(Options()).IntrospectAsync(AccessToken, Ct);

        Assert.True(result.Active);
        Assert.Equal("api refresh_token", result.Scope);
        Assert.Equal("3MVG9testConsumerKey", result.ClientId);
        Assert.Equal("integration@acme.com", result.Username);
        Assert.Equal("https://login.salesforce.com/id/00D/005", result.Subject);
        Assert.Equal("access_token", result.TokenType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1718000000), result.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1717990000), result.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1717990001), result.NotBefore);
        var form = Form(Single(IntrospectPath).RequestMessage.Body!);
        Assert.Equal(["token", "token_type_hint", "client_id", "client_secret"], form.Keys.ToArray());
        Assert.Equal(AccessToken, form["token"]);
        Assert.Equal("access_token", form["token_type_hint"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.DoesNotContain(AccessToken, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntrospectAsync_Basic_SecretInHeaderNotBody_RefreshTokenHint()
    {
        _f.Respond(Json(200, """{"active":false}"""), IntrospectPath);

        var result = await _f.Client(Options(basic: true)).IntrospectAsync("5Aep861REFRESH", Ct);

        Assert.False(result.Active);
        Assert.Null(result.ExpiresAt);
        var request = Single(IntrospectPath).RequestMessage;
        var form = Form(request.Body!);
        Assert.Equal(["token", "token_type_hint"], form.Keys.ToArray());
        Assert.Equal("refresh_token", form["token_type_hint"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("3MVG9testConsumerKey:" + Secret)), request.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task IntrospectAsync_NoSecret_ConfigurationErrorWithoutARequest()
    {
        var ex = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => _f.Client(Options(secret: false)).IntrospectAsync(AccessToken, Ct));

        Assert.Equal("ClientSecret", ex.Setting);
        Assert.Empty(_f.Requests);
    }

    [Fact]
    public async Task IntrospectAsync_InvalidClient_TypedError()
    {
        _f.Respond(Json(400, """{"error":"invalid_client","error_description":"invalid client credentials"}"""), IntrospectPath);

        var ex = await Assert.ThrowsAsync<SalesforceInvalidClientException>(() => _f.Client(Options()).IntrospectAsync(AccessToken, Ct));

        Assert.Equal(SalesforceReason.InvalidClientCredentials, ex.Reason);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"active":"yes"}""")]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    public void TryParseIntrospection_Malformed_ProblemWithoutTheBody(string body)
    {
        Assert.False(TokenLifecycleClient.TryParseIntrospection(body, out _, out var problem));
        Assert.DoesNotContain(body, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseIntrospection_NumericStringsAndMilliseconds_Understood()
    {
        Assert.True(TokenLifecycleClient.TryParseIntrospection("""{"active":true,"exp":"1718000000","iat":1717990000000}""", out var result, out _));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1718000000), result!.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1717990000), result.IssuedAt);
    }

    [Fact]
    public async Task RevokeAsync_Success_PostsOnlyTheToken()
    {
        _f.Server.Given(_f.TokenRequest(RevokePath)).RespondWith(Response.Create().WithStatusCode(200));

        await _f.Client(Options()).RevokeAsync("5Aep861REFRESH", Ct);

        Assert.Equal("token=5Aep861REFRESH", Single(RevokePath).RequestMessage.Body);
    }

    [Theory]
    [InlineData("""{"error":"invalid_token"}""", "application/json", "invalid_token")]
    [InlineData("""{"error":"unsupported_token_type","error_description":"token type not supported"}""", "application/json", "unsupported_token_type")]
    [InlineData("invalid_token", "text/plain", "invalid_token")]
    public async Task RevokeAsync_Refused_TypedErrorWithTheWireCode(string body, string mediaType, string error)
    {
        _f.Server.Given(_f.TokenRequest(RevokePath)).RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", mediaType).WithBody(body));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(Options()).RevokeAsync(AccessToken, Ct));

        Assert.Equal(error, ex.Error);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain(AccessToken, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAsync_RedirectToTrustedHost_RePostsTheSameBody()
    {
        _f.Server.Given(_f.TokenRequest(RevokePath)).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _f.BaseUrl + "moved/services/oauth2/revoke"));
        _f.Server.Given(_f.TokenRequest("/moved/services/oauth2/revoke")).RespondWith(Response.Create().WithStatusCode(200));

        await _f.Client(Options()).RevokeAsync(AccessToken, Ct);

        var moved = Single("/moved/services/oauth2/revoke").RequestMessage;
        Assert.Equal("POST", moved.Method);
        Assert.Equal("token=" + Uri.EscapeDataString(AccessToken), moved.Body);
    }

    [Fact]
    public async Task RevokeAsync_RedirectToUntrustedHost_RefusedAndNotSent()
    {
        _f.Server.Given(_f.TokenRequest(RevokePath)).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "https://evil.example/services/oauth2/revoke"));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(Options()).RevokeAsync(AccessToken, Ct));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, ex.Reason);
    }

    [Fact]
    public async Task GetUserInfoAsync_Success_TypedClaimsAndUrls()
    {
        _f.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(UserInfoPath).UsingGet()).RespondWith(Json(200, """
            {"sub":"https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA","user_id":"0055g00000YYYYYAAA","organization_id":"00D5g00000XXXXXEAA",
             "preferred_username":"integration@acme.com","name":"Integration User","given_name":"Integration","family_name":"User","email":"int@acme.com",
             "email_verified":true,"locale":"en_US","zoneinfo":"Europe/Paris","user_type":"STANDARD","active":true,"updated_at":"2026-01-02T03:04:05Z",
             "urls":{"rest":"https://acme.my.salesforce.com/services/data/v{version}/","custom_domain":"https://acme.my.salesforce.com"},"is_app_installed":true}
            """));
        var token = new SalesforceToken(AccessToken, new Uri("https://acme.my.salesforce.com"));

        var info = await _f.Client(Options()).GetUserInfoAsync(token, Ct);

        Assert.Equal("0055g00000YYYYYAAA", info.UserId);
        Assert.Equal("00D5g00000XXXXXEAA", info.OrganizationId);
        Assert.Equal("integration@acme.com", info.PreferredUsername);
        Assert.Equal("Integration User", info.Name);
        Assert.Equal("int@acme.com", info.Email);
        Assert.True(info.EmailVerified);
        Assert.True(info.IsActive);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), info.UpdatedAt);
        Assert.Equal("https://acme.my.salesforce.com/services/data/v{version}/", info.Urls["rest"]);
        Assert.True(info.Claims.GetProperty("is_app_installed").GetBoolean());
        Assert.Equal("Bearer " + AccessToken, Single(UserInfoPath).RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task GetUserInfoAsync_BadOAuthToken_SessionExpired()
    {
        _f.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(UserInfoPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "text/plain").WithBody("Bad_OAuth_Token"));
        var token = new SalesforceToken(AccessToken, new Uri("https://acme.my.salesforce.com"));

        var ex = await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => _f.Client(Options()).GetUserInfoAsync(token, Ct));

        Assert.Equal(SalesforceReason.SessionExpired, ex.Reason);
        Assert.DoesNotContain(AccessToken, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_IntrospectionOn_ExpiresAtFromExpMinusSkewAndMargin()
    {
        _f.Respond(Json(200, SuccessBody()));
        var exp = _f.Time.GetUtcNow().AddMinutes(45).ToUnixTimeSeconds();
        _f.Respond(Json(200, $$"""{"active":true,"token_type":"access_token","exp":{{exp}}}"""), IntrospectPath);
        var client = _f.Client(Options(introspection: true));

        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp) - client.ClockSkew!.Value - SalesforceTokenClient.IntrospectionSafetyMargin, token.ExpiresAt);
        Assert.Equal(AccessToken, Form(Single(IntrospectPath).RequestMessage.Body!)["token"]);
    }

    [Theory]
    [InlineData(500, """{"error":"server_error"}""")]
    [InlineData(200, """{"active":false}""")]
    [InlineData(200, """{"active":true}""")]
    public async Task RequestTokenAsync_IntrospectionUnusable_TokenStillReturnedWithSessionLifetime(int status, string body)
    {
        _f.Respond(Json(200, SuccessBody()));
        _f.Respond(Json(status, body), IntrospectPath);
        var options = Options(introspection: true);

        var token = await _f.Client(options).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(token.ObtainedAt + options.SessionLifetime, token.ExpiresAt);
        Assert.Contains(_f.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.EventId.Id is 1103 or 1104);
    }

    [Fact]
    public async Task RequestTokenAsync_IntrospectionOff_NoIntrospectRequest()
    {
        _f.Respond(Json(200, SuccessBody()));

        await _f.Client(Options(introspection: false)).RequestTokenAsync(cancellationToken: Ct);

        Assert.DoesNotContain(_f.Requests, r => r.RequestMessage.Path == IntrospectPath);
    }

    [Fact]
    public void CreateAssertion_Jwt_IsWhatTheGrantWouldPost()
    {
        var now = _f.Time.GetUtcNow();

        var assertion = _f.Client(Options()).CreateAssertion(new SalesforceTokenRequest { Username = "other@acme.com" });

        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", assertion.GrantType);
        Assert.Null(assertion.Xml);
        Assert.True(Jws.Verify(assertion.Value, _f.PublicKey));
        Assert.Equal("other@acme.com", ClaimString(assertion.Value, "sub"));
        Assert.Equal("3MVG9testConsumerKey", ClaimString(assertion.Value, "iss"));
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), Claim(assertion.Value, "exp"));
        Assert.Equal("https://login.salesforce.com", assertion.Audience);
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), assertion.ExpiresAt.ToUnixTimeSeconds());
        Assert.DoesNotContain(assertion.Value, assertion.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(assertion.Value.Split('.')[2], assertion.ToString(), StringComparison.Ordinal);
        Assert.Empty(_f.Requests);
    }

    [Fact]
    public void CreateAssertion_Saml_ValueIsBase64UrlOfTheXml()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var options = Options();
        options.Flow = SalesforceFlow.SamlBearer;
        options.SigningKey = key;

        var assertion = _f.Client(options).CreateAssertion();

        Assert.Equal("urn:ietf:params:oauth:grant-type:saml2-bearer", assertion.GrantType);
        Assert.Equal(assertion.Xml, Encoding.UTF8.GetString(Jws.DecodeSegment(assertion.Value)));
        Assert.StartsWith("<saml:Assertion ", assertion.Xml, StringComparison.Ordinal);
        Assert.Contains(">integration@acme.com</saml:NameID>", assertion.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("Assertion", assertion.ToString().Replace("SalesforceAssertion", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SalesforceFlow.ClientCredentials)]
    [InlineData(SalesforceFlow.RefreshToken)]
    public void CreateAssertion_FlowWithoutAssertion_ConfigurationError(SalesforceFlow flow)
    {
        var options = Options();
        options.Flow = flow;
        options.LoginUrl = _f.BaseUrl;
        options.RefreshToken = "5Aep861RT";

        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(options).CreateAssertion());

        Assert.Equal("Flow", ex.Setting);
    }
}
