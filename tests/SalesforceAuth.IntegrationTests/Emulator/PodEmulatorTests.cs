using System.Net;
using System.Text;
using System.Text.Json;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class PodEmulatorTests
{
    [Fact]
    public async Task Api_RightPod_Returns200WithLimitInfo()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        var instance = token.GetProperty("instance_url").GetString()!;

        var response = await kit.GetAsync(instance + "/services/data/v62.0/", token.GetProperty("access_token").GetString());
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"sobjects\":\"/services/data/v62.0/sobjects\"", body);
        Assert.Equal("api-usage=1/15000", response.Headers.GetValues("Sforce-Limit-Info").Single());
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 200));
    }

    [Fact]
    public async Task Limits_ListedInTheResourceMap_ServesDailyApiRequestsAsSforceLimitInfoCountsThem()
    {
        await using var kit = await EmulatorKit.StartAsync(o => o.ApiRequestLimit = 500);
        var token = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString();
        var data = kit.Org.InstanceUrl + "services/data/v62.0/";
        using var map = JsonDocument.Parse(await (await kit.GetAsync(data, token)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var limitsPath = map.RootElement.GetProperty("limits").GetString()!;

        var response = await kit.GetAsync(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority) + limitsPath, token);
        using var limits = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("api-usage=2/500", response.Headers.GetValues("Sforce-Limit-Info").Single());
        var daily = limits.RootElement.GetProperty("DailyApiRequests");
        Assert.Equal(500, daily.GetProperty("Max").GetInt32());
        Assert.Equal(498, daily.GetProperty("Remaining").GetInt32());
    }

    [Fact]
    public async Task Api_OtherPod_IsInvalidSessionId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        var eu2 = kit.Fake.GetPodUrl("eu2").GetLeftPart(UriPartial.Authority);

        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(eu2 + "/services/data/v62.0/", token.GetProperty("access_token").GetString()));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("eu2", 401));
    }

    [Theory]
    [InlineData(null, "Bearer")]
    [InlineData("garbage", "Basic")]
    public async Task Api_MissingOrMalformedHeader_IsInvalidAuthHeader(string? token, string scheme)
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", token, scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Api_UnknownToken_IsInvalidSessionId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", kit.Org.OrgId[..15] + "!AQnope"));
    }

    [Fact]
    public async Task Api_SessionIdleBeyondLifetime_IsInvalidSessionId_ActivitySlides()
    {
        await using var kit = await EmulatorKit.StartAsync(o => o.SessionLifetime = TimeSpan.FromMinutes(15));
        var token = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString();
        var url = kit.Org.InstanceUrl + "services/data/v62.0/";

        kit.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await kit.GetAsync(url, token)).StatusCode);
        kit.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await kit.GetAsync(url, token)).StatusCode);
        kit.Time.Advance(TimeSpan.FromMinutes(15));
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(url, token));
    }

    [Fact]
    public async Task Api_ClockOffset_ExpiresSessionEarly()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString();
        kit.Fake.ClockOffset = TimeSpan.FromHours(3);
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", token));
    }

    [Fact]
    public async Task Api_RevokeAllSessions_IsInvalidSessionId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString();
        kit.Fake.RevokeAllSessions();
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", token));
    }

    [Fact]
    public async Task MoveOrg_OldSessionsFail_NextGrantReturnsNewInstanceUrl()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var old = await kit.JwtTokenAsync();
        var oldUrl = old.GetProperty("instance_url").GetString()!;

        kit.Fake.MoveOrg(kit.Org, "eu2");
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(oldUrl + "/services/data/v62.0/", old.GetProperty("access_token").GetString()));

        var fresh = await kit.JwtTokenAsync();
        var freshUrl = fresh.GetProperty("instance_url").GetString()!;
        Assert.NotEqual(oldUrl, freshUrl);
        Assert.Equal(kit.Fake.GetPodUrl("eu2").GetLeftPart(UriPartial.Authority), freshUrl);
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(freshUrl + "/services/data/v62.0/", old.GetProperty("access_token").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await kit.GetAsync(freshUrl + "/services/data/v62.0/", fresh.GetProperty("access_token").GetString())).StatusCode);
    }

    [Fact]
    public async Task Versions_NeedNoSession()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var response = await kit.GetAsync(kit.Org.InstanceUrl + "services/data/", null);
        var versions = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("version").GetString() == "66.0" && v.GetProperty("label").GetString() == "Spring '26");
        Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("version").GetString() == "62.0" && v.GetProperty("label").GetString() == "Winter '25");
    }

    [Fact]
    public async Task QueryAndSObjects_CannedDataAndCreateEcho()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        var accessToken = token.GetProperty("access_token").GetString();
        var api = token.GetProperty("instance_url").GetString() + "/services/data/v62.0";

        var query = JsonDocument.Parse(await (await kit.GetAsync(api + "/query?q=" + Uri.EscapeDataString("SELECT Id, Name FROM Account LIMIT 2"), accessToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(2, query.GetProperty("totalSize").GetInt32());
        Assert.Equal("Account", query.GetProperty("records")[0].GetProperty("attributes").GetProperty("type").GetString());

        var create = new HttpRequestMessage(HttpMethod.Post, api + "/sobjects/Account/")
        {
            Content = new StringContent("""{"Name":"Acme Widgets","Industry":"Manufacturing"}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new("Bearer", accessToken);
        var created = await kit.Http.SendAsync(create, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("001", id);

        var record = JsonDocument.Parse(await (await kit.GetAsync($"{api}/sobjects/Account/{id}", accessToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("Acme Widgets", record.GetProperty("Name").GetString());
        Assert.Equal("Manufacturing", record.GetProperty("Industry").GetString());

        var list = await kit.GetAsync(api + "/sobjects/", accessToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var malformed = await kit.GetAsync(api + "/query?q=SELECT", accessToken);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }
}
