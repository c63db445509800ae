using System.Net;
using System.Text.Json;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class LifecycleEmulatorTests
{
    private static Task<HttpResponseMessage> Introspect(EmulatorKit kit, string token, string? secret = null) =>
        kit.PostAsync(new Uri(kit.Org.MyDomainUrl, "/services/oauth2/introspect"), ("token", token), ("token_type_hint", "access_token"),
            ("client_id", kit.App.ConsumerKey), ("client_secret", secret ?? kit.App.ConsumerSecret!));

    [Fact]
    public async Task Introspect_ActiveAccessToken_ReturnsFullObjectInSeconds()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        var response = await Introspect(kit, token.GetProperty("access_token").GetString()!);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var now = EmulatorKit.Start.ToUnixTimeSeconds();
        var expected = $$"""{"active":true,"scope":"api refresh_token offline_access","client_id":"{{kit.App.ConsumerKey}}","username":"integration@acme.com","sub":"{{token.GetProperty("id").GetString()}}","token_type":"access_token","exp":{{now + 7200}},"iat":{{now}},"nbf":{{now}}}""";
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task Introspect_RefreshToken_ReportsRefreshTokenType()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var body = JsonDocument.Parse(await (await Introspect(kit, rt)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", body.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task Introspect_UnknownOrOtherAppsToken_IsInactive()
    {
        await using var kit = await EmulatorKit.StartAsync();
        Assert.Equal("""{"active":false}""", await (await Introspect(kit, "nope")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var access = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString()!;
        var other = kit.Fake.AddConnectedApp(new Testing.FakeConnectedApp());
        var response = await kit.PostAsync(new Uri(kit.Org.MyDomainUrl, "/services/oauth2/introspect"), ("token", access), ("client_id", other.ConsumerKey), ("client_secret", other.ConsumerSecret!));
        Assert.Equal("""{"active":false}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Introspect_BadClientSecret_IsInvalidClient()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await Introspect(kit, "x", secret: "wrong"), "invalid_client", "invalid client credentials");
    }

    [Fact]
    public async Task Revoke_AccessToken_EndsSession_SecondRevokeIsInvalidToken()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var access = (await kit.JwtTokenAsync()).GetProperty("access_token").GetString()!;
        var revoke = new Uri(kit.Fake.LoginUrl, "/services/oauth2/revoke");

        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(revoke, ("token", access))).StatusCode);
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", access));
        await EmulatorKit.AssertOAuthErrorAsync(await kit.PostAsync(revoke, ("token", access)), "invalid_token", "invalid token");
    }

    [Fact]
    public async Task Revoke_RefreshToken_RevokesItsAccessTokens()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var refreshed = await kit.TokenAsync(await kit.PostAsync(kit.MyDomainToken, ("grant_type", "refresh_token"), ("refresh_token", rt), ("client_id", kit.App.ConsumerKey), ("client_secret", kit.App.ConsumerSecret!)));
        var access = refreshed.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", access)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(new Uri(kit.Org.MyDomainUrl, "/services/oauth2/revoke"), ("token", rt))).StatusCode);
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", access));
    }

    [Fact]
    public async Task UserInfoAndIdentity_ValidToken_ReturnUser_BadToken_Is403BadOAuthToken()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();
        var access = token.GetProperty("access_token").GetString();
        var id = token.GetProperty("id").GetString()!;

        var userInfo = JsonDocument.Parse(await (await kit.GetAsync(kit.Fake.LoginUrl + "services/oauth2/userinfo", access)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(kit.User.UserId, userInfo.GetProperty("user_id").GetString());
        Assert.Equal(kit.Org.OrgId, userInfo.GetProperty("organization_id").GetString());
        Assert.Equal(kit.User.Username, userInfo.GetProperty("preferred_username").GetString());

        var identity = JsonDocument.Parse(await (await kit.GetAsync(id, access)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(id, identity.GetProperty("id").GetString());
        Assert.Equal(kit.User.Username, identity.GetProperty("username").GetString());

        foreach (var url in new[] { kit.Fake.LoginUrl + "services/oauth2/userinfo", id })
        {
            var bad = await kit.GetAsync(url, "00Dbad!token");
            Assert.Equal(HttpStatusCode.Forbidden, bad.StatusCode);
            Assert.Equal("text/plain;charset=UTF-8", EmulatorKit.RawContentType(bad));
            Assert.Equal("Bad_OAuth_Token", await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }
}
