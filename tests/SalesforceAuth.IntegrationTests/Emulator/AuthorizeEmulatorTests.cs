using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SalesforceAuth.IntegrationTests.Emulator;

/// <summary>The web server flow on the emulator: <c>/services/oauth2/authorize</c> with its scripted browser session and
/// the <c>authorization_code</c> grant with PKCE.</summary>
public sealed class AuthorizeEmulatorTests
{
    private const string Callback = "http://localhost:1717/callback";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private static string Challenge(string verifier) => EmulatorKit.B64(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static async Task<EmulatorKit> StartAsync()
    {
        var kit = await EmulatorKit.StartAsync();
        kit.App.CallbackUrls.Add(Callback);
        kit.App.RequireSecretForWebServerFlow = false;
        kit.Fake.AuthorizingUser = kit.User;
        return kit;
    }

    private static Task<HttpResponseMessage> AuthorizeAsync(EmulatorKit kit, string? clientId = null, string redirectUri = Callback, string? challenge = null) =>
        kit.Http.GetAsync(
            new Uri(kit.Fake.LoginUrl, "/services/oauth2/authorize?response_type=code"
                + $"&client_id={Uri.EscapeDataString(clientId ?? kit.App.ConsumerKey)}&redirect_uri={Uri.EscapeDataString(redirectUri)}"
                + $"&scope=api%20refresh_token&state=s1&code_challenge={challenge ?? Challenge(Verifier)}&code_challenge_method=S256"),
            EmulatorKit.Cancel);

    private static Dictionary<string, string> CallbackQuery(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Callback + "?", location.OriginalString, StringComparison.Ordinal);
        return location.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    }

    private static Task<HttpResponseMessage> ExchangeAsync(EmulatorKit kit, string code, string verifier = Verifier) =>
        kit.PostAsync(kit.LoginToken, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback), ("client_id", kit.App.ConsumerKey), ("code_verifier", verifier));

    [Fact]
    public async Task Authorize_Approved_RedirectsWithCodeAndState_CodeGivesARefreshToken()
    {
        await using var kit = await StartAsync();

        var query = CallbackQuery(await AuthorizeAsync(kit));
        Assert.Equal("s1", query["state"]);
        var token = await kit.TokenAsync(await ExchangeAsync(kit, query["code"]));

        Assert.Equal("api refresh_token", token.GetProperty("scope").GetString());
        Assert.StartsWith("5Aep", token.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), token.GetProperty("instance_url").GetString());
    }

    [Fact]
    public async Task Authorize_Denied_RedirectsWithAccessDenied()
    {
        await using var kit = await StartAsync();
        kit.Fake.ApproveAuthorization = false;

        var query = CallbackQuery(await AuthorizeAsync(kit));

        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("end-user denied authorization", query["error_description"]);
        Assert.Equal("s1", query["state"]);
    }

    [Fact]
    public async Task Authorize_UnregisteredCallback_ShowsRedirectUriMismatchWithoutRedirecting()
    {
        await using var kit = await StartAsync();

        var response = await AuthorizeAsync(kit, redirectUri: "http://localhost:9999/callback");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration", await response.Content.ReadAsStringAsync(EmulatorKit.Cancel));
    }

    [Fact]
    public async Task Authorize_UnknownClient_ShowsInvalidClientId()
    {
        await using var kit = await StartAsync();

        var response = await AuthorizeAsync(kit, clientId: "3MVGnope");

        Assert.Equal("error=invalid_client_id&error_description=client%20identifier%20invalid", await response.Content.ReadAsStringAsync(EmulatorKit.Cancel));
    }

    [Fact]
    public async Task Authorize_NobodySignedIn_ShowsTheLoginPage()
    {
        await using var kit = await StartAsync();
        kit.Fake.AuthorizingUser = null;

        var response = await AuthorizeAsync(kit);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Login | Salesforce", await response.Content.ReadAsStringAsync(EmulatorKit.Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_WrongVerifier_InvalidCodeVerifier_AndTheCodeIsSpent()
    {
        await using var kit = await StartAsync();
        var code = CallbackQuery(await AuthorizeAsync(kit))["code"];

        await EmulatorKit.AssertOAuthErrorAsync(await ExchangeAsync(kit, code, verifier: Verifier + "x"), "invalid_request", "invalid code verifier");
        await EmulatorKit.AssertOAuthErrorAsync(await ExchangeAsync(kit, code), "invalid_grant", "invalid authorization code");
    }

    [Fact]
    public async Task Exchange_SecretRequiredByDefault_InvalidClient()
    {
        await using var kit = await StartAsync();
        kit.App.RequireSecretForWebServerFlow = true;
        var code = CallbackQuery(await AuthorizeAsync(kit))["code"];

        await EmulatorKit.AssertOAuthErrorAsync(await ExchangeAsync(kit, code), "invalid_client", "invalid client credentials");
    }

    [Fact]
    public async Task Exchange_AfterFifteenMinutes_ExpiredAuthorizationCode()
    {
        await using var kit = await StartAsync();
        var code = CallbackQuery(await AuthorizeAsync(kit))["code"];
        kit.Time.Advance(TimeSpan.FromMinutes(15));

        await EmulatorKit.AssertOAuthErrorAsync(await ExchangeAsync(kit, code), "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task Authorize_PkceRequiredButMissing_MissingRequiredCodeChallenge()
    {
        await using var kit = await StartAsync();
        kit.App.RequirePkce = true;

        var response = await kit.Http.GetAsync(
            new Uri(kit.Fake.LoginUrl, $"/services/oauth2/authorize?response_type=code&client_id={kit.App.ConsumerKey}&redirect_uri={Uri.EscapeDataString(Callback)}"),
            EmulatorKit.Cancel);

        var query = CallbackQuery(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("missing required code challenge", query["error_description"]);
    }
}
