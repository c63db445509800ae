using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

/// <summary>A started emulator with one production org, one user, one pre-authorized app and raw HTTP helpers.
/// Assertions are built by hand here (not with the SalesforceAuth library) so the emulator is checked independently.</summary>
internal sealed class EmulatorKit : EmulatorFixture
{
    public const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string SamlGrant = "urn:ietf:params:oauth:grant-type:saml2-bearer";
    public const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string NoCache = "no-cache,must-revalidate,max-age=0,no-store,private";

    private static readonly Lazy<FakeSalesforceKeyPair> SharedKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=emulator tests"));
    private static readonly Lazy<FakeSalesforceKeyPair> SharedOtherKeys = new(() => FakeSalesforceCertificates.CreateKeyPair("CN=someone else"));

    private EmulatorKit(Setup setup)
        : base(setup)
    {
    }

    public static FakeSalesforceKeyPair Keys => SharedKeys.Value;

    public static FakeSalesforceKeyPair OtherKeys => SharedOtherKeys.Value;

    public Uri LoginToken => new(Fake.LoginUrl, "/services/oauth2/token");

    public Uri MyDomainToken => new(Org.MyDomainUrl, "/services/oauth2/token");

    /// <summary>Starts the kit; the emulator has no pods but the org's own unless <paramref name="configure"/> adds some.</summary>
    public static async Task<EmulatorKit> StartAsync(Action<FakeSalesforceOptions>? configure = null) =>
        new(await SetUpAsync(Keys, runAsUser: true, options =>
        {
            options.Pods.Clear();
            configure?.Invoke(options);
        }));

    public string Jwt(Action<Dictionary<string, object?>>? edit = null, RSA? key = null, string alg = "RS256")
    {
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = App.ConsumerKey,
            ["sub"] = User.Username,
            ["aud"] = "https://login.salesforce.com",
            ["exp"] = Fake.UtcNow.AddMinutes(3).ToUnixTimeSeconds(),
        };
        edit?.Invoke(claims);
        return SignJwt(new Dictionary<string, object?> { ["alg"] = alg }, claims, key);
    }

    public static string SignJwt(Dictionary<string, object?> header, Dictionary<string, object?> claims, RSA? key = null)
    {
        var signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        using var own = key is null ? Keys.GetPrivateKey() : null;
        var signature = (key ?? own!).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public Task<HttpResponseMessage> PostAsync(Uri url, params (string Key, string Value)[] form) =>
        Http.PostAsync(url, new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))), Cancel);

    public Task<HttpResponseMessage> JwtGrantAsync(string assertion, Uri? url = null) =>
        PostAsync(url ?? LoginToken, ("grant_type", JwtGrant), ("assertion", assertion));

    public async Task<JsonElement> TokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<JsonElement> JwtTokenAsync() => await TokenAsync(await JwtGrantAsync(Jwt()));

    public Task<HttpResponseMessage> GetAsync(string url, string? accessToken, string scheme = "Bearer") =>
        GetWithTokenAsync(new Uri(url), accessToken, scheme);

    public static async Task AssertOAuthErrorAsync(HttpResponseMessage response, string error, string description)
    {
        Assert.Equal("application/json;charset=UTF-8", RawContentType(response));
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal($"{{\"error\":\"{error}\",\"error_description\":\"{description}\"}}", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(NoCache, string.Join(",", response.Headers.NonValidated["Cache-Control"]));
    }

    public static async Task AssertInvalidSessionAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json;charset=UTF-8", RawContentType(response));
        Assert.Equal("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", await response.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>The Content-Type exactly as sent (read before anything parses it).</summary>
    public static string RawContentType(HttpResponseMessage response) =>
        string.Join(",", response.Content.Headers.NonValidated["Content-Type"]);
}
