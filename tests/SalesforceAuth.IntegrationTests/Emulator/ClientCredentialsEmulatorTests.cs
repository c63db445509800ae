using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class ClientCredentialsEmulatorTests
{
    private static Task<HttpResponseMessage> Post(EmulatorKit kit, Uri url, string? secret = null, string? clientId = null) =>
        kit.PostAsync(url, ("grant_type", "client_credentials"), ("client_id", clientId ?? kit.App.ConsumerKey), ("client_secret", secret ?? kit.App.ConsumerSecret!));

    [Fact]
    public async Task ClientCredentials_BodyCredentialsOnMyDomain_ReturnsTokenWithApiInstanceUrl()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.Scopes = "api web full refresh_token offline_access";
        var token = await kit.TokenAsync(await Post(kit, kit.MyDomainToken));

        var names = token.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["access_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at", "api_instance_url"], names);
        Assert.Equal("api", token.GetProperty("scope").GetString());
        Assert.Equal("https://api.salesforce.com", token.GetProperty("api_instance_url").GetString());
        Assert.False(token.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task ClientCredentials_BasicCredentials_Succeeds()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, kit.MyDomainToken)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(kit.App.ConsumerKey + ":" + kit.App.ConsumerSecret)));
        var response = await kit.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_LoginHost_IsRequestNotSupportedOnThisDomain()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, kit.LoginToken), "invalid_grant", "request not supported on this domain");
    }

    [Fact]
    public async Task ClientCredentials_UnknownClient_IsInvalidClientId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, kit.MyDomainToken, clientId: "3MVG9nope"), "invalid_client_id", "client identifier invalid");
    }

    [Fact]
    public async Task ClientCredentials_WrongOrMissingSecret_IsInvalidClient()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, kit.MyDomainToken, secret: "wrong"), "invalid_client", "invalid client credentials");
        var missing = await kit.PostAsync(kit.MyDomainToken, ("grant_type", "client_credentials"), ("client_id", kit.App.ConsumerKey));
        await EmulatorKit.AssertOAuthErrorAsync(missing, "invalid_client", "invalid client credentials");
    }

    [Fact]
    public async Task ClientCredentials_NoRunAsUser_IsNoClientCredentialsUserEnabled()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.RunAsUser = null;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, kit.MyDomainToken), "invalid_grant", "no client credentials user enabled");
    }

    [Fact]
    public async Task ClientCredentials_FlowDisabled_IsUnsupportedGrantType()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.EnabledFlows = Testing.FakeOAuthFlows.JwtBearer;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, kit.MyDomainToken), "unsupported_grant_type", "grant type not supported");
    }
}
