using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>No single answer (its Date header, its size, its JSON) can break a connection or escape untyped.</summary>
public sealed class HostileResponseTests
{
    private static readonly DateTimeOffset Local = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EndOfCalendar = new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestTokenAsync_DateNearYear9999_IgnoredAndLaterAcquisitionsWork()
    {
        var (client, handler) = JwtClient(_ => Answer(200, TokenEndpointFixture.SuccessBody(), EndOfCalendar));

        await client.RequestTokenAsync(cancellationToken: Ct);
        await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Null(client.ClockSkew);
        Assert.All(handler.Requests, r => Assert.Equal(Local.ToUnixTimeSeconds(), TokenEndpointFixture.Claim(r.Form["assertion"], "iat")));
    }

    [Fact]
    public async Task RequestTokenAsync_ExpiredAssertionAnsweredWithDateNearYear9999_TypedErrorNoOverflow()
    {
        var (client, handler) = JwtClient(_ => Answer(400, """{"error":"invalid_grant","error_description":"expired authorization code"}""", EndOfCalendar));

        var error = await Assert.ThrowsAsync<SalesforceAssertionExpiredException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.AssertionExpired, error.Reason);
        Assert.Equal(2, handler.Count);
        Assert.All(handler.Requests, r => Assert.Equal(Local.ToUnixTimeSeconds(), TokenEndpointFixture.Claim(r.Form["assertion"], "iat")));
    }

    [Fact]
    public async Task RequestTokenAsync_DateOfAMaintenancePage_NotLearned()
    {
        var answers = new Queue<HttpResponseMessage>([
            Answer(503, "<html><body>Down for maintenance</body></html>", Local.AddHours(3), "text/html"),
            Answer(200, TokenEndpointFixture.SuccessBody(), null)]);
        var (client, handler) = JwtClient(_ => answers.Dequeue());

        await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));
        await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Null(client.ClockSkew);
        Assert.Equal(Local.ToUnixTimeSeconds(), TokenEndpointFixture.Claim(handler.Requests.Last().Form["assertion"], "iat"));
    }

    [Fact]
    public async Task RequestTokenAsync_ServerClockBehind_NextAssertionMovedBack()
    {
        var (client, handler) = JwtClient(_ => Answer(200, TokenEndpointFixture.SuccessBody(), Local.AddMinutes(-10)));

        await client.RequestTokenAsync(cancellationToken: Ct);
        await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(TimeSpan.FromMinutes(-10), client.ClockSkew);
        Assert.Equal(Local.AddMinutes(-10).ToUnixTimeSeconds(), TokenEndpointFixture.Claim(handler.Requests.Last().Form["assertion"], "iat"));
    }

    [Fact]
    public async Task RequestTokenAsync_LocalClockAtTheEndOfTheCalendar_TypedErrorNothingSent()
    {
        var (client, handler) = JwtClient(_ => Answer(200, TokenEndpointFixture.SuccessBody(), null), new FakeTimeProvider(DateTimeOffset.MaxValue.AddSeconds(-30)));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.InvalidRequest, error.Reason);
        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        Assert.Equal(0, handler.Count);

        // Nothing was sent, so there is no HTTP status (it read "HTTP 0"), and the catalogue explains the clock.
        Assert.Null(error.StatusCode);
        Assert.NotEmpty(error.Diagnosis.Remedies);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestTokenAsync_BodyOverTheCap_UnexpectedResponseAndTheReadStops(bool announced)
    {
        // Eight times the cap: the old code read all of it (150 MB allocated 706 MB).
        var body = new LongStream(8L * ResponseBody.MaxBytes);
        var (client, _) = JwtClient(_ => Streamed(200, body, announced ? 8L * ResponseBody.MaxBytes : null));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
        Assert.False(error.IsTransient);
        Assert.InRange(body.BytesRead, 0, announced ? 0 : ResponseBody.MaxBytes + 1);

        // Explained by the catalogue like an answer from Salesforce, not by the message alone.
        Assert.NotEmpty(error.Diagnosis.Causes);
        Assert.NotEmpty(error.Diagnosis.Remedies);
    }

    [Fact]
    public async Task IntrospectAsync_BodyOverTheCap_UnexpectedResponseAndTheReadStops()
    {
        var body = new LongStream(8L * ResponseBody.MaxBytes);
        var client = SecretClient(_ => Streamed(200, body, null));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.IntrospectAsync("00D5g00000XXXXX!AQ0X", Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
        Assert.InRange(body.BytesRead, 0, ResponseBody.MaxBytes + 1);
    }

    [Fact]
    public async Task GetUserInfoAsync_BodyOverTheCap_UnexpectedResponseAndTheReadStops()
    {
        var body = new LongStream(8L * ResponseBody.MaxBytes);
        var client = SecretClient(_ => Streamed(200, body, null));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetUserInfoAsync(Token(), Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
        Assert.InRange(body.BytesRead, 0, ResponseBody.MaxBytes + 1);
    }

    [Fact]
    public async Task RequestTokenAsync_BodyJustUnderTheCap_Read()
    {
        var padding = new string(' ', ResponseBody.MaxBytes - 1024);
        var (client, _) = JwtClient(_ => Answer(200, TokenEndpointFixture.SuccessBody() + padding, null));

        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(TokenEndpointFixture.AccessToken, token.AccessToken);
    }

    [Fact]
    public async Task IntrospectAsync_LoneSurrogateInAString_UnexpectedResponse()
    {
        var client = SecretClient(_ => Answer(200, """{"active":true,"scope":"api \ud800","client_id":"3MVG9"}""", null));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.IntrospectAsync("00D5g00000XXXXX!AQ0X", Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
    }

    [Fact]
    public async Task GetUserInfoAsync_LoneSurrogateInAClaim_UnexpectedResponse()
    {
        var client = SecretClient(_ => Answer(200, """{"sub":"https://login.salesforce.com/id/00D/005","name":"\udc00","urls":{"rest":"\ud800"}}""", null));

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetUserInfoAsync(Token(), Ct));

        Assert.Equal(SalesforceReason.UnexpectedResponse, error.Reason);
    }

    private static (SalesforceTokenClient Client, ScriptedHandler Handler) JwtClient(Func<ScriptedHandler.Recorded, HttpResponseMessage> respond, TimeProvider? time = null)
    {
        var handler = new ScriptedHandler(r => Task.FromResult(respond(r)));
        var options = new SalesforceClientOptions
        {
            LoginUrl = new Uri("https://login.salesforce.com"),
            ClientId = "3MVG9testConsumerKey",
            Username = "integration@acme.com",
            SigningKey = TestKeys.NewSigningKey(out var publicKey),
            MaxRetries = 0,
        };
        publicKey.Dispose();
        return (new SalesforceTokenClient(new HttpClient(handler), options, time ?? new FakeTimeProvider(Local)), handler);
    }

    private static SalesforceTokenClient SecretClient(Func<ScriptedHandler.Recorded, HttpResponseMessage> respond) =>
        new(
            new HttpClient(new ScriptedHandler(r => Task.FromResult(respond(r)))),
            new SalesforceClientOptions
            {
                LoginUrl = new Uri("https://acme.my.salesforce.com"),
                Flow = SalesforceFlow.ClientCredentials,
                ClientId = "3MVG9testConsumerKey",
                ClientSecret = "secret",
                MaxRetries = 0,
            },
            new FakeTimeProvider(Local));

    private static SalesforceToken Token() => new("00D5g00000XXXXX!AQ0X", new Uri("https://acme.my.salesforce.com"));

    private static HttpResponseMessage Answer(int status, string body, DateTimeOffset? date, string mediaType = "application/json")
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        response.Headers.Date = date;
        return response;
    }

    private static HttpResponseMessage Streamed(int status, Stream body, long? announcedLength)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        response.Content.Headers.ContentLength = announcedLength;
        return response;
    }
}
