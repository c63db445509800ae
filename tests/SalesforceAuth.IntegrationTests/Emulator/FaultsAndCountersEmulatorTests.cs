using System.Net;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class FaultsAndCountersEmulatorTests
{
    [Fact]
    public async Task TokenFault_Maintenance_ServesHtml503ThenRecovers()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.Maintenance());

        var response = await kit.JwtGrantAsync(kit.Jwt());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("text/html", EmulatorKit.RawContentType(response));
        Assert.Contains("Maintenance", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EmulatorKit.JwtGrant, "fault"));
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EmulatorKit.JwtGrant, "success"));
    }

    [Fact]
    public async Task TokenFault_ServerErrorAndStatus_CountForNRequests()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.ServerError(), count: 2);
        kit.Fake.InjectTokenFault(FakeFault.Status(429));

        Assert.Equal(HttpStatusCode.InternalServerError, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
    }

    [Fact]
    public async Task TokenFault_RateLimitExceeded_IsOAuthError()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.RateLimitExceeded());
        await EmulatorKit.AssertOAuthErrorAsync(await kit.JwtGrantAsync(kit.Jwt()), "rate_limit_exceeded", "number of logins exceeded");
    }

    [Fact]
    public async Task TokenFault_Redirect_AnswersLocation()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.Redirect(kit.MyDomainToken));
        var response = await kit.JwtGrantAsync(kit.Jwt());
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(kit.MyDomainToken, response.Headers.Location);
    }

    [Fact]
    public async Task TokenFault_DropConnection_FailsTheRequest()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.DropConnection());
        await Assert.ThrowsAsync<HttpRequestException>(() => kit.JwtGrantAsync(kit.Jwt()));
        Assert.Equal(HttpStatusCode.OK, (await kit.JwtGrantAsync(kit.Jwt())).StatusCode);
    }

    [Fact]
    public async Task TokenFault_Delay_WaitsOnTheEmulatorTimeProvider()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.InjectTokenFault(FakeFault.Delayed(TimeSpan.FromSeconds(30)));

        // A millisecond exp stays valid however far the fake clock moves while the request waits.
        var pending = kit.JwtGrantAsync(kit.Jwt(c => c["exp"] = kit.Fake.UtcNow.AddMinutes(3).ToUnixTimeMilliseconds()));

        // The delay only ends when the FakeTimeProvider is advanced; poll, advancing a second at a time.
        while (!pending.IsCompleted)
        {
            kit.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var response = await pending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Date >= EmulatorKit.Start.AddSeconds(30), $"answered at {response.Headers.Date}");
    }

    [Fact]
    public async Task ApiFault_AppliesToPodRequests()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        kit.Fake.InjectApiFault(FakeFault.Maintenance());
        var url = token.GetProperty("instance_url").GetString() + "/services/data/v62.0/";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await kit.GetAsync(url, token.GetProperty("access_token").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.GetAsync(url, token.GetProperty("access_token").GetString())).StatusCode);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 503));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 200));
    }

    [Fact]
    public async Task DateHeader_ReflectsClockOffset()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.Fake.ClockOffset = TimeSpan.FromMinutes(-7);
        var response = await kit.JwtGrantAsync(kit.Jwt());
        Assert.Equal(EmulatorKit.Start.AddMinutes(-7), response.Headers.Date);
        Assert.Equal(EmulatorKit.Start.AddMinutes(-7), kit.Fake.UtcNow);
    }

    [Fact]
    public async Task RequestLog_RedactsSecrets_AndRaisesRequestCompleted()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var seen = new List<FakeRequestLogEntry>();
        var received = 0;
        kit.Fake.RequestReceived += (_, entry) => Interlocked.Increment(ref received);
        kit.Fake.RequestCompleted += (_, entry) => { lock (seen) { seen.Add(entry); } };
        var assertion = kit.Jwt();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var access = (await kit.TokenAsync(await kit.JwtGrantAsync(assertion))).GetProperty("access_token").GetString()!;
        await kit.PostAsync(kit.MyDomainToken, ("grant_type", "refresh_token"), ("refresh_token", rt), ("client_id", kit.App.ConsumerKey), ("client_secret", kit.App.ConsumerSecret!));
        await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", access);

        var log = kit.Fake.RequestLog;
        Assert.Equal(3, log.Count);
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, received);
        var text = string.Join("\n", log.Select(e => e + " " + string.Join(",", e.Parameters.Select(p => p.Key + "=" + p.Value))));
        Assert.DoesNotContain(assertion, text);
        Assert.DoesNotContain(rt, text);
        Assert.DoesNotContain(access, text);
        Assert.DoesNotContain(kit.App.ConsumerSecret!, text);
        Assert.Equal("***", log[0].Parameters["assertion"]);
        Assert.Equal(EmulatorKit.JwtGrant, log[0].GrantType);
        Assert.Equal("login", log[0].Listener);
        Assert.Equal("pod:na1", log[2].Listener);
    }

    [Fact]
    public async Task Counters_CountErrorsByCode()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await kit.JwtGrantAsync(kit.Jwt(c => c["iss"] = "nope"));
        await kit.JwtGrantAsync(kit.Jwt(c => c["aud"] = "nope"));
        await kit.JwtGrantAsync(kit.Jwt());
        var counters = kit.Fake.Counters;
        Assert.Equal(1, counters.TokenRequests(EmulatorKit.JwtGrant, "invalid_client_id"));
        Assert.Equal(1, counters.TokenRequests(EmulatorKit.JwtGrant, "invalid_grant"));
        Assert.Equal(3, counters.TokenRequests(EmulatorKit.JwtGrant));
        Assert.Equal(3, counters.TokenRequests());
    }
}
