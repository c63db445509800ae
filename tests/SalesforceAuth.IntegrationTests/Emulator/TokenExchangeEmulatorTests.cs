using System.Net;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class TokenExchangeEmulatorTests
{
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private static Task<HttpResponseMessage> Exchange(EmulatorKit kit, string subjectToken, string type = AccessTokenType) =>
        kit.PostAsync(kit.MyDomainToken, ("grant_type", EmulatorKit.ExchangeGrant), ("subject_token", subjectToken), ("subject_token_type", type),
            ("client_id", kit.App.ConsumerKey), ("client_secret", kit.App.ConsumerSecret!));

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:access_token")]
    [InlineData("urn:ietf:params:oauth:token-type:id_token")]
    [InlineData("urn:ietf:params:oauth:token-type:JWT")]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData("urn:ietf:params:oauth:token-type:saml2")]
    public async Task TokenExchange_ValidatorMapsUser_ReturnsToken(string type)
    {
        await using var kit = await EmulatorKit.StartAsync();
        string? seenType = null;
        kit.App.TokenExchangeValidator = (token, tokenType) =>
        {
            seenType = tokenType;
            return token == "idp-token-for-integration" ? kit.User : null;
        };

        var token = await kit.TokenAsync(await Exchange(kit, "idp-token-for-integration", type));
        Assert.Equal(type, seenType);
        Assert.EndsWith("/" + kit.User.UserId, token.GetProperty("id").GetString());
    }

    [Fact]
    public async Task TokenExchange_UnknownTokenType_IsConfigurableError()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.TokenExchangeValidator = (_, _) => kit.User;
        await EmulatorKit.AssertOAuthErrorAsync(await Exchange(kit, "t", "urn:ietf:params:oauth:token-type:banana"), "invalid_request", "invalid subject_token_type");

        await using var custom = await EmulatorKit.StartAsync(o => o.TokenExchangeUnsupportedTypeError = new("invalid_grant", "unsupported token type"));
        await EmulatorKit.AssertOAuthErrorAsync(await Exchange(custom, "t", "jwt"), "invalid_grant", "unsupported token type");
    }

    [Fact]
    public async Task TokenExchange_ValidatorRejects_IsRejectedError()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.TokenExchangeValidator = (_, _) => null;
        await EmulatorKit.AssertOAuthErrorAsync(await Exchange(kit, "bad"), "invalid_grant", "invalid subject token");
    }

    [Fact]
    public async Task TokenExchange_SecretRequiredAndUnknownClient()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.TokenExchangeValidator = (_, _) => kit.User;
        var noSecret = await kit.PostAsync(kit.MyDomainToken, ("grant_type", EmulatorKit.ExchangeGrant), ("subject_token", "t"), ("subject_token_type", AccessTokenType), ("client_id", kit.App.ConsumerKey));
        await EmulatorKit.AssertOAuthErrorAsync(noSecret, "invalid_client", "invalid client credentials");
        var unknown = await kit.PostAsync(kit.MyDomainToken, ("grant_type", EmulatorKit.ExchangeGrant), ("subject_token", "t"), ("subject_token_type", AccessTokenType), ("client_id", "3MVG9x"));
        await EmulatorKit.AssertOAuthErrorAsync(unknown, "invalid_client_id", "client identifier invalid");
        kit.App.RequireSecretForTokenExchange = false;
        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(kit.MyDomainToken, ("grant_type", EmulatorKit.ExchangeGrant), ("subject_token", "t"), ("subject_token_type", AccessTokenType), ("client_id", kit.App.ConsumerKey))).StatusCode);
    }

    [Fact]
    public async Task TokenExchange_UserNotApproved_IsUserHasNotApproved()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.TokenExchangeValidator = (_, _) => kit.User;
        kit.App.PreAuthorizedUsers.Clear();
        await EmulatorKit.AssertOAuthErrorAsync(await Exchange(kit, "t"), "invalid_grant", "user hasn't approved this consumer");
    }
}
