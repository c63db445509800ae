using System.Net;
using Polly.Timeout;
using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests.Tokens;

public sealed class SalesforceTokenClientHttpTests : IDisposable
{
    private readonly TokenEndpointFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestTokenAsync_Success_PostsExactFormAndHeaders()
    {
        _f.Respond(Json(200, SuccessBody()));
        var now = _f.Time.GetUtcNow();

        var token = await _f.Client().RequestTokenAsync(cancellationToken: Ct);

        var request = Assert.Single(_f.Requests).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal(TokenPath, request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        Assert.Equal("application/json", request.Headers!["Accept"].Single());
        Assert.StartsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", request.Body, StringComparison.Ordinal);
        var form = Form(request.Body!);
        Assert.Equal(["grant_type", "assertion"], form.Keys.ToArray());
        var assertion = form["assertion"];
        Assert.True(Jws.Verify(assertion, _f.PublicKey));
        Assert.Equal("3MVG9testConsumerKey", ClaimString(assertion, "iss"));
        Assert.Equal("integration@acme.com", ClaimString(assertion, "sub"));
        Assert.Equal("https://login.salesforce.com", ClaimString(assertion, "aud"));
        Assert.Equal(now.ToUnixTimeSeconds(), Claim(assertion, "iat"));
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), Claim(assertion, "exp"));

        Assert.Equal(AccessToken, token.AccessToken);
        Assert.Equal(new Uri("https://acme.my.salesforce.com"), token.InstanceUrl);
        Assert.Equal("0055g00000YYYYYAAA", token.UserId);
        Assert.Equal("api", token.Scope);
        Assert.Equal(SalesforceFlow.JwtBearer, token.Flow);
        Assert.Equal(now, token.ObtainedAt);
        Assert.Equal(now + TimeSpan.FromMinutes(110), token.ExpiresAt);
    }

    [Fact]
    public async Task RequestTokenAsync_UsernameOverride_IsTheSubject()
    {
        _f.Respond(Json(200, SuccessBody()));

        await _f.Client().RequestTokenAsync(new SalesforceTokenRequest { Username = "other@acme.com" }, Ct);

        Assert.Equal("other@acme.com", ClaimString(Assert.Single(_f.Assertions), "sub"));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task RequestTokenAsync_RedirectToTrustedHost_RePostsTheSameBody(int status)
    {
        var moved = new Uri(_f.BaseUrl, "/moved" + TokenPath);
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(status).WithHeader("Location", moved.ToString()));
        _f.Respond(Json(200, SuccessBody()), "/moved" + TokenPath);

        var token = await _f.Client().RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(AccessToken, token.AccessToken);
        var requests = _f.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("POST", r.RequestMessage.Method));
        Assert.Equal("/moved" + TokenPath, requests[1].RequestMessage.Path);
        Assert.Equal(requests[0].RequestMessage.Body, requests[1].RequestMessage.Body);
        Assert.Contains(_f.Logs.Lines, l => l.EventId.Id == 1004);
    }

    [Fact]
    public async Task RequestTokenAsync_RedirectToForeignHost_RefusedWithoutSending()
    {
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(302).WithHeader("Location", "https://login.evil.example/services/oauth2/token"));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, ex.Reason);
        Assert.Contains("login.evil.example", ex.Message, StringComparison.Ordinal);
        Assert.Single(_f.Requests);
    }

    [Fact]
    public async Task RequestTokenAsync_ThirdRedirect_StopsAfterTwo()
    {
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(307).WithHeader("Location", new Uri(_f.BaseUrl, "/a" + TokenPath).ToString()));
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(307).WithHeader("Location", new Uri(_f.BaseUrl, "/b" + TokenPath).ToString()), "/a" + TokenPath);
        _f.Respond(WireMock.ResponseBuilders.Response.Create().WithStatusCode(307).WithHeader("Location", new Uri(_f.BaseUrl, "/c" + TokenPath).ToString()), "/b" + TokenPath);
        _f.Respond(Json(200, SuccessBody()), "/c" + TokenPath);

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, ex.Reason);
        Assert.Equal(3, _f.Requests.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_503HtmlThen500ThenSuccess_RetriesWithBackoff()
    {
        _f.RespondInSequence(Html(503), Json(500, """{"error":"server_error"}"""), Html(200), Json(200, SuccessBody()));

        var token = await _f.Client().RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(AccessToken, token.AccessToken);
        Assert.Equal(4, _f.Requests.Count);
        Assert.Equal(3, _f.Logs.Lines.Count(l => l.EventId.Id == 1003));
        Assert.Equal(3, _f.Time.Delays.Count(d => d < TimeSpan.FromSeconds(30)));
        Assert.NotEqual(_f.Assertions[0], _f.Assertions[1]);
    }

    [Fact]
    public async Task RequestTokenAsync_429WithRetryAfterSeconds_WaitsThatLong()
    {
        _f.RespondInSequence(
            Json(429, """{"error":"rate_limit_exceeded","error_description":"number of logins exceeded"}""").WithHeader("Retry-After", "7"),
            Json(200, SuccessBody()));

        await _f.Client().RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(2, _f.Requests.Count);
        Assert.Contains(TimeSpan.FromSeconds(7), _f.Time.Delays);
    }

    [Fact]
    public async Task RequestTokenAsync_503WithRetryAfterHttpDate_WaitsUntilThen()
    {
        // Retry-After as an HTTP date is measured against the response's own Date (both on the server's clock).
        var retryAt = DateTimeOffset.UtcNow.AddSeconds(30);
        _f.RespondInSequence(
            Html(503).WithHeader("Retry-After", retryAt.ToString("R")),
            Json(200, SuccessBody()));

        await _f.Client().RequestTokenAsync(cancellationToken: Ct);

        Assert.Contains(_f.Time.Delays, d => d > TimeSpan.FromSeconds(20) && d <= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RequestTokenAsync_PermanentOAuthError_NotRetried()
    {
        _f.Respond(Json(400, """{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}"""));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Single(_f.Requests);
        Assert.Empty(_f.Time.Delays);
    }

    [Fact]
    public async Task RequestTokenAsync_404Page_ConfigurationErrorNamingTheUrlNotRetried()
    {
        _f.Respond(Html(404));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        var url = new Uri(_f.BaseUrl, TokenPath).ToString();
        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
        Assert.Equal(url, ex.Diagnosis.Facts[SalesforceDiagnosisFacts.EndpointUrl]);
        Assert.DoesNotContain("maintenance", ex.Diagnosis.Causes[0], StringComparison.OrdinalIgnoreCase);
        Assert.Single(_f.Requests);
        Assert.Empty(_f.Time.Delays);
    }

    [Fact]
    public async Task RequestTokenAsync_InvalidAssertionWithMatchingCertificate_UserRankedBeforeTheKey()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem(), certificatePem: TestKeys.CertificatePem(certificate));
        _f.Respond(Json(400, """{"error":"invalid_grant","error_description":"invalid assertion"}"""));
        var options = _f.Options();
        options.SigningKey = key;
        options.Username = "integraton@acme.com";

        var ex = await Assert.ThrowsAsync<SalesforceInvalidAssertionException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Contains("does not say whether the user or the key is wrong", ex.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains("sub integraton@acme.com", ex.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains(certificate.Thumbprint, ex.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains("integraton@acme.com is not an active user", ex.Diagnosis.Causes[0], StringComparison.Ordinal);
        Assert.Contains(certificate.Thumbprint, ex.Diagnosis.Causes[1], StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Diagnosis.Causes, c => c.StartsWith("The private key does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestTokenAsync_TransientOutlastsRetries_SurfacesAfterMaxRetries()
    {
        _f.Respond(Html(503));
        var options = _f.Options();
        options.MaxRetries = 2;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(3, _f.Requests.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_AttemptsTimeOut_SurfacesTransientTimeout()
    {
        _f.Server.Given(_f.TokenRequest()).RespondWith(Json(200, SuccessBody()).WithDelay(TimeSpan.FromSeconds(2)));
        var options = _f.Options();
        options.AttemptTimeout = TimeSpan.FromSeconds(20);
        options.MaxRetries = 1;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.True(ex.IsTransient);
        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(2, _f.Time.Delays.Count(d => d == TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task RequestTokenAsync_TotalBudgetExhausted_SurfacesTransientTimeoutWithoutMoreAttempts()
    {
        _f.Server.Given(_f.TokenRequest()).RespondWith(Json(200, SuccessBody()).WithDelay(TimeSpan.FromSeconds(2)));
        var options = _f.Options();
        options.TotalTimeout = TimeSpan.FromSeconds(45);

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.True(ex.IsTransient);
        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.DoesNotContain(_f.Logs.Lines, l => l.EventId.Id == 1003);
    }

    [Fact]
    public async Task RequestTokenAsync_ClosedPort_NamesTheUrlAndConnectionRefused()
    {
        // A port that was just bound and released: nothing listens there, so the connection is refused.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = _f.Options();
        options.LoginUrl = new Uri($"http://127.0.0.1:{port}");
        options.MaxRetries = 0;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        var url = $"http://127.0.0.1:{port}/services/oauth2/token";
        Assert.True(ex.IsTransient);
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SocketError.ConnectionRefused", ex.Diagnosis.Facts[SalesforceDiagnosisFacts.TransportFailure], StringComparison.Ordinal);
        Assert.Equal(url, ex.Diagnosis.Facts[SalesforceDiagnosisFacts.EndpointUrl]);
        var failed = Assert.Single(_f.Logs.Lines, l => l.EventId.Id == 1002).Message;
        Assert.Contains(url, failed, StringComparison.Ordinal);
        Assert.Contains("connection refused", failed, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_Timeout_NamesTheUrlAndTheSeconds()
    {
        _f.Server.Given(_f.TokenRequest()).RespondWith(Json(200, SuccessBody()).WithDelay(TimeSpan.FromSeconds(2)));
        var options = _f.Options();
        options.AttemptTimeout = TimeSpan.FromSeconds(20);
        options.MaxRetries = 0;

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Contains(new Uri(_f.BaseUrl, TokenPath).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("timeout after 20 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("timeout after 20 s", Assert.Single(_f.Logs.Lines, l => l.EventId.Id == 1002).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_CallerCancels_OperationCanceledNotWrapped()
    {
        _f.Respond(Json(200, SuccessBody()));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _f.Client().RequestTokenAsync(cancellationToken: cts.Token));
    }

    // Kestrel always sends the real Date, so "the server is 7 minutes ahead" is a local fake clock 7 minutes behind.
    private static readonly TimeSpan Behind = TimeSpan.FromMinutes(-7);

    private static void AssertAbout(TimeSpan expected, TimeSpan? actual) =>
        Assert.InRange(actual!.Value, expected - TimeSpan.FromSeconds(1), expected + TimeSpan.FromSeconds(15));

    private static void AssertAbout(DateTimeOffset expected, long actualSeconds) =>
        AssertAbout(TimeSpan.Zero, DateTimeOffset.FromUnixTimeSeconds(actualSeconds) - expected);

    [Fact]
    public async Task RequestTokenAsync_ServerClockAhead_NextAssertionShifted()
    {
        using var f = new TokenEndpointFixture(Behind);
        var local = f.Time.GetUtcNow();
        f.Respond(Json(200, SuccessBody()));
        var client = f.Client();

        await client.RequestTokenAsync(cancellationToken: Ct);
        await client.RequestTokenAsync(cancellationToken: Ct);

        AssertAbout(TimeSpan.FromMinutes(7), client.ClockSkew);
        var assertions = f.Assertions;
        Assert.Equal(local.AddMinutes(3).ToUnixTimeSeconds(), Claim(assertions[0], "exp"));
        AssertAbout(local.AddMinutes(10), Claim(assertions[1], "exp"));
        AssertAbout(local.AddMinutes(7), Claim(assertions[1], "iat"));
        Assert.Equal(180, Claim(assertions[1], "exp") - Claim(assertions[1], "iat"));
    }

    [Fact]
    public async Task RequestTokenAsync_CompensationOff_AssertionNotShifted()
    {
        using var f = new TokenEndpointFixture(Behind);
        var local = f.Time.GetUtcNow();
        f.Respond(Json(200, SuccessBody()));
        var options = f.Options();
        options.ClockSkewCompensation = false;
        var client = f.Client(options);

        await client.RequestTokenAsync(cancellationToken: Ct);
        await client.RequestTokenAsync(cancellationToken: Ct);

        AssertAbout(TimeSpan.FromMinutes(7), client.ClockSkew);
        Assert.Equal(local.AddMinutes(3).ToUnixTimeSeconds(), Claim(f.Assertions[1], "exp"));
    }

    [Fact]
    public async Task RequestTokenAsync_ExpiredAuthorizationCodeWithCompensationOff_NotRetriedAndNotClaimedAsRetried()
    {
        using var f = new TokenEndpointFixture(Behind);
        f.RespondInSequence(
            Json(400, """{"error":"invalid_grant","error_description":"expired authorization code"}"""),
            Json(200, SuccessBody()));
        var options = f.Options();
        options.ClockSkewCompensation = false;

        var ex = await Assert.ThrowsAsync<SalesforceAssertionExpiredException>(() => f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Single(f.Assertions);
        Assert.DoesNotContain("already made", ex.Diagnosis.Summary, StringComparison.Ordinal);
        AssertAbout(TimeSpan.FromMinutes(7), ex.Diagnosis.ClockSkew);
    }

    [Fact]
    public async Task RequestTokenAsync_ExpiredAuthorizationCode_RetriedOnceWithCorrectedAssertion()
    {
        using var f = new TokenEndpointFixture(Behind);
        var local = f.Time.GetUtcNow();
        f.RespondInSequence(
            Json(400, """{"error":"invalid_grant","error_description":"expired authorization code"}"""),
            Json(200, SuccessBody()));

        var token = await f.Client().RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(AccessToken, token.AccessToken);
        var assertions = f.Assertions;
        Assert.Equal(2, assertions.Count);
        Assert.Equal(local.AddMinutes(3).ToUnixTimeSeconds(), Claim(assertions[0], "exp"));
        AssertAbout(local.AddMinutes(10), Claim(assertions[1], "exp"));
        Assert.NotEqual(ClaimString(assertions[0], "jti"), ClaimString(assertions[1], "jti"));
        Assert.Contains(f.Logs.Lines, l => l.EventId.Id == 1007);
    }

    [Fact]
    public async Task RequestTokenAsync_ExpiredAuthorizationCodeTwice_SurfacesAfterOneRetry()
    {
        _f.Respond(Json(400, """{"error":"invalid_grant","error_description":"expired authorization code"}"""));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(2, _f.Requests.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_ValidSignatureWithSecret_Accepted()
    {
        const string id = "https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA";
        const string issuedAt = "1772366400000";
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("consumer-secret"u8, System.Text.Encoding.UTF8.GetBytes(id + issuedAt)));
        _f.Respond(Json(200, SuccessBody(extra: $$""","issued_at":"{{issuedAt}}","signature":"{{signature}}" """)));
        var options = _f.Options();
        options.ClientSecret = "consumer-secret";

        var token = await _f.Client(options).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1772366400000), token.IssuedAt);
    }

    [Fact]
    public async Task RequestTokenAsync_TamperedSignature_RefusedWithoutShowingIt()
    {
        var wrong = Convert.ToBase64String(new byte[32]);
        _f.Respond(Json(200, SuccessBody(extra: $$""","issued_at":"1772366400000","signature":"{{wrong}}" """)));
        var options = _f.Options();
        options.ClientSecret = "consumer-secret";

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client(options).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, ex.Reason);
        Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
        Assert.Single(_f.Requests);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://acme.my.salesforce.com")]
    [InlineData("https://evil.example@na1.salesforce.com")]
    [InlineData("https://salesforce.com.evil.example")]
    [InlineData("https://10.1.2.3")]
    [InlineData("not a url")]
    public async Task RequestTokenAsync_UntrustedInstanceUrl_Refused(string instanceUrl)
    {
        _f.Respond(Json(200, SuccessBody(instanceUrl)));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, ex.Reason);
        Assert.DoesNotContain(AccessToken, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTokenAsync_UntrustedApiInstanceUrl_Refused()
    {
        _f.Respond(Json(200, SuccessBody(extra: ""","api_instance_url":"https://api.evil.example" """)));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, ex.Reason);
    }

    [Theory]
    [InlineData("""{"access_token":12,"instance_url":"https://acme.my.salesforce.com"}""")]
    [InlineData("""{"instance_url":"https://acme.my.salesforce.com"}""")]
    [InlineData("""{"access_token":"t","instance_url":"https://acme.my.salesforce.com","issued_at":[1]}""")]
    [InlineData("""{"access_token":"t"}""")]
    public async Task RequestTokenAsync_MalformedSuccessBody_UnexpectedResponseNotRetried(string body)
    {
        _f.Respond(Json(200, body));

        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => _f.Client().RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, ex.Reason);
        Assert.Single(_f.Requests);
    }
}
