using System.Text;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Grants;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>The form each flow posts to the token endpoint, over a loopback socket.</summary>
public sealed class GrantFormTests : IDisposable
{
    private const string Secret = "CONSUMERSECRET123";
    private readonly TokenEndpointFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SalesforceClientOptions Options(SalesforceFlow flow, Action<SalesforceClientOptions>? configure = null)
    {
        var options = _f.Options();
        options.Flow = flow;
        options.ClientSecret = Secret;
        options.UseIntrospection = false;
        if (flow is not (SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer))
        {
            options.SigningKey = null;
            options.Username = null;
        }

        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task ClientCredentials_Body_PostsIdAndSecretInTheForm()
    {
        _f.Respond(Json(200, SuccessBody()));

        var token = await _f.Client(Options(SalesforceFlow.ClientCredentials)).RequestTokenAsync(cancellationToken: Ct);

        var request = Assert.Single(_f.Requests).RequestMessage;
        var form = Form(request.Body!);
        Assert.Equal(["grant_type", "client_id", "client_secret"], form.Keys.ToArray());
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("3MVG9testConsumerKey", form["client_id"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.False(request.Headers!.ContainsKey("Authorization"));
        Assert.Equal(SalesforceFlow.ClientCredentials, token.Flow);
    }

    [Fact]
    public async Task ClientCredentials_Basic_PostsOnlyTheGrantTypeAndAnAuthorizationHeader()
    {
        _f.Respond(Json(200, SuccessBody()));

        await _f.Client(Options(SalesforceFlow.ClientCredentials, o => o.UseBasicAuthentication = true)).RequestTokenAsync(cancellationToken: Ct);

        var request = Assert.Single(_f.Requests).RequestMessage;
        Assert.Equal("grant_type=client_credentials", request.Body);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("3MVG9testConsumerKey:" + Secret));
        Assert.Equal(expected, request.Headers!["Authorization"].Single());
    }

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://test.salesforce.com")]
    public void ClientCredentials_LoginHost_RefusedAtConfigurationTime(string loginUrl)
    {
        var options = Options(SalesforceFlow.ClientCredentials, o => o.LoginUrl = new Uri(loginUrl));

        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(options));

        Assert.Equal("LoginUrl", ex.Setting);
        Assert.Contains("request not supported on this domain", ex.Message, StringComparison.Ordinal);
        Assert.Contains("my.salesforce.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientCredentials_NoSecret_RefusedAtConfigurationTime()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(Options(SalesforceFlow.ClientCredentials, o => o.ClientSecret = null)));

        Assert.Equal("ClientSecret", ex.Setting);
    }

    [Fact]
    public async Task RefreshToken_PostsTokenIdAndSecret()
    {
        _f.Respond(Json(200, SuccessBody()));

        await _f.Client(Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = "5Aep861RT")).RequestTokenAsync(cancellationToken: Ct);

        var form = Form(Assert.Single(_f.Requests).RequestMessage.Body!);
        Assert.Equal(["grant_type", "refresh_token", "client_id", "client_secret"], form.Keys.ToArray());
        Assert.Equal("refresh_token", form["grant_type"]);
        Assert.Equal("5Aep861RT", form["refresh_token"]);
        Assert.Equal(Secret, form["client_secret"]);
    }

    [Fact]
    public async Task RefreshToken_WithoutSecret_PostsNoSecret()
    {
        _f.Respond(Json(200, SuccessBody()));

        await _f.Client(Options(SalesforceFlow.RefreshToken, o => { o.RefreshToken = "5Aep861RT"; o.ClientSecret = null; })).RequestTokenAsync(cancellationToken: Ct);

        var form = Form(Assert.Single(_f.Requests).RequestMessage.Body!);
        Assert.Equal(["grant_type", "refresh_token", "client_id"], form.Keys.ToArray());
    }

    [Fact]
    public async Task TokenExchange_PostsEveryParameter()
    {
        _f.Respond(Json(200, SuccessBody()));
        var options = Options(SalesforceFlow.TokenExchange, o =>
        {
            o.SubjectToken = "idp-token";
            o.SubjectTokenType = "urn:ietf:params:oauth:token-type:id_token";
            o.ActorToken = "actor-token";
            o.ActorTokenType = "urn:ietf:params:oauth:token-type:access_token";
            o.Scope = "api refresh_token";
            o.TokenExchangeHandler = "AcmeTokenHandler";
        });

        await _f.Client(options).RequestTokenAsync(new SalesforceTokenRequest { SubjectToken = "per-request-token" }, Ct);

        var form = Form(Assert.Single(_f.Requests).RequestMessage.Body!);
        Assert.Equal("urn:ietf:params:oauth:grant-type:token-exchange", form["grant_type"]);
        Assert.Equal("per-request-token", form["subject_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:id_token", form["subject_token_type"]);
        Assert.Equal("actor-token", form["actor_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", form["actor_token_type"]);
        Assert.Equal("3MVG9testConsumerKey", form["client_id"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.Equal("api refresh_token", form["scope"]);
        Assert.Equal("AcmeTokenHandler", form["token_handler"]);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:jwt")]
    [InlineData("urn:ietf:params:oauth:token-type:JWT")]
    [InlineData("urn:ietf:params:oauth:token-type:saml2")]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    public void TokenExchange_KnownSubjectTokenType_Accepted(string type)
    {
        var client = _f.Client(Options(SalesforceFlow.TokenExchange, o => { o.SubjectToken = "t"; o.SubjectTokenType = type; }));

        Assert.Equal(SalesforceFlow.TokenExchange, client.Flow);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:saml1")]
    [InlineData("jwt")]
    public void TokenExchange_UnknownSubjectTokenType_RefusedWithTheFiveUrns(string type)
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(Options(SalesforceFlow.TokenExchange, o => { o.SubjectToken = "t"; o.SubjectTokenType = type; })));

        Assert.Equal("SubjectTokenType", ex.Setting);
        Assert.All(TokenExchangeGrant.TokenTypes, t => Assert.Contains(t, ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TokenExchange_ActorTokenWithoutType_Refused()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(Options(SalesforceFlow.TokenExchange, o =>
        {
            o.SubjectToken = "t";
            o.SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
            o.ActorToken = "a";
        })));

        Assert.Equal("ActorTokenType", ex.Setting);
    }

    [Fact]
    public async Task SamlBearer_PostsBase64UrlAssertionWithoutClientCredentials()
    {
        _f.Respond(Json(200, SuccessBody()));
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var now = _f.Time.GetUtcNow();

        var token = await _f.Client(Options(SalesforceFlow.SamlBearer, o => o.SigningKey = key)).RequestTokenAsync(cancellationToken: Ct);

        var form = Form(Assert.Single(_f.Requests).RequestMessage.Body!);
        Assert.Equal(["grant_type", "assertion"], form.Keys.ToArray());
        Assert.Equal("urn:ietf:params:oauth:grant-type:saml2-bearer", form["grant_type"]);
        Assert.DoesNotContain('+', form["assertion"]);
        Assert.DoesNotContain('/', form["assertion"]);
        Assert.DoesNotContain('=', form["assertion"]);
        var xml = Encoding.UTF8.GetString(Jws.DecodeSegment(form["assertion"]));
        Assert.Contains(">3MVG9testConsumerKey</saml:Issuer>", xml, StringComparison.Ordinal);
        Assert.Contains(">integration@acme.com</saml:NameID>", xml, StringComparison.Ordinal);
        Assert.Contains($"Recipient=\"{_f.BaseUrl.AbsoluteUri}services/oauth2/token\"", xml, StringComparison.Ordinal);
        Assert.Contains("<saml:Audience>https://login.salesforce.com</saml:Audience>", xml, StringComparison.Ordinal);
        Assert.Contains($"NotOnOrAfter=\"{now.AddMinutes(3).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"", xml, StringComparison.Ordinal);
        Assert.Equal(SalesforceFlow.SamlBearer, token.Flow);
    }

    [Fact]
    public void SamlBearer_KeyWithoutCertificate_ClearConfigurationError()
    {
        using var rsa = TestKeys.NewRsa();
        using var key = SalesforceSigningKey.FromRsa(rsa);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => _f.Client(Options(SalesforceFlow.SamlBearer, o => o.SigningKey = key)));

        Assert.Contains("certificate", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SamlBearer_ExpiredAuthorizationCode_RetriedOnceWithFreshAssertion()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        _f.RespondInSequence(
            Json(400, """{"error":"invalid_grant","error_description":"expired authorization code"}"""),
            Json(200, SuccessBody()));

        await _f.Client(Options(SalesforceFlow.SamlBearer, o => o.SigningKey = key)).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(2, _f.Assertions.Distinct().Count());
    }
}
