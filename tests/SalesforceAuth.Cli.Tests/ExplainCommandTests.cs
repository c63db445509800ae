using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Cli.Tests;

/// <summary><c>sfauth explain</c>: one test per finding code, on assertions built the way other programs build them.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private const string Production = "https://login.salesforce.com";
    private const string Sandbox = "https://test.salesforce.com";
    private const string ConsumerKey = "3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz.Dv6JNb4ZzqpdXxQ9jVY.z9N7pxpCG6LQbWYUiv2W7";
    private const string User = "integration@acme.com";

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // Generated once for the class: RSA key generation is the slow part of these tests, and nothing here changes a key.
    private static readonly FakeSalesforceKeyPair SharedKeys = FakeSalesforceCertificates.CreateKeyPair();
    private static readonly FakeSalesforceKeyPair SharedOtherKeys = FakeSalesforceCertificates.CreateKeyPair();

    private readonly FakeSalesforceKeyPair _keys = SharedKeys;
    private readonly FakeSalesforceKeyPair _otherKeys = SharedOtherKeys;
    private readonly string _folder = Directory.CreateTempSubdirectory("sfauth-explain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Explain_WellBuiltJwt_NoFindingsAndExitZero()
    {
        var jwt = Jwt(Claims());

        var result = await RunAsync("explain", "--assertion", jwt, "--login-url", Production, "--client-id", ConsumerKey, "--username", User, "--certificate", CertificatePath(_keys), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("jwt", (string?)result.Json["kind"]);
        Assert.Equal(User, (string?)result.Json["claims"]!["sub"]);
        Assert.Empty(result.Json["findings"]!.AsArray());
    }

    [Fact]
    public async Task Explain_ApexJwtWithFiveSecondValidity_LifetimeTooShort()
    {
        // Apex: new Auth.JWT() with setValidityLength(5): {"alg":"RS256"}, iss, sub, aud, nbf = now, exp = now + 5 (no iat).
        var claims = new JsonObject { ["iss"] = ConsumerKey, ["sub"] = User, ["aud"] = Production, ["nbf"] = Epoch(Now), ["exp"] = Epoch(Now) + 5 };

        var result = await RunAsync("explain", "--assertion", Jwt(claims), "--json");

        Assert.Equal(3, result.ExitCode);
        var finding = Finding(result, "lifetime_too_short");
        Assert.Equal("error", (string?)finding["severity"]);
        Assert.Contains("exp − nbf is 5 s", (string?)finding["detail"], StringComparison.Ordinal);
        Assert.Contains("setValidityLength", (string?)finding["remedy"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ExpiredJwt_ExpInPast()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(iat: Now.AddMinutes(-10), exp: Now.AddMinutes(-7))), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("7 min 0 s ago", (string?)Finding(result, "exp_in_past")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_IatAheadOfNow_IatInFuture()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(iat: Now.AddSeconds(40), exp: Now.AddMinutes(3))), "--json");

        Assert.Equal("warn", (string?)Finding(result, "iat_in_future")["severity"]);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Explain_ExpInMilliseconds_WarnsWithoutTooFar()
    {
        var claims = Claims();
        claims["exp"] = Now.AddMinutes(3).ToUnixTimeMilliseconds();

        var result = await RunAsync("explain", "--assertion", Jwt(claims), "--json");

        Assert.Equal("warn", (string?)Finding(result, "exp_in_milliseconds")["severity"]);
        Assert.DoesNotContain(Codes(result), c => c == "exp_too_far");
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Explain_LocalTimeOfAHostEastOfUtc_LocalTimeAsUtcAndExpInPast()
    {
        // simple-salesforce #491: utcnow() read back as local time on a UTC+2 host puts iat and exp two hours in the past.
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(iat: Now.AddHours(-2), exp: Now.AddHours(-2).AddMinutes(3))), "--json");

        Assert.Equal(3, result.ExitCode);
        var finding = Finding(result, "local_time_as_utc");
        Assert.Equal("error", (string?)finding["severity"]);
        Assert.Contains("2 h behind", (string?)finding["detail"], StringComparison.Ordinal);
        Assert.Contains("exp_in_past", Codes(result));
    }

    [Fact]
    public async Task Explain_ExpAnHourAway_ExpTooFarCitesTheDocumentedLimit()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(iat: Now, exp: Now.AddMinutes(30))), "--json");

        var finding = Finding(result, "exp_too_far");
        Assert.Equal("warn", (string?)finding["severity"]);
        Assert.Contains("within 3 minutes", (string?)finding["detail"], StringComparison.Ordinal);
        Assert.Contains("help.salesforce.com", (string?)finding["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ProductionAudienceForSandboxLogin_AudMismatchWithTheRule()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims()), "--login-url", Sandbox, "--json");

        Assert.Equal(3, result.ExitCode);
        var detail = (string?)Finding(result, "aud_mismatch")["detail"];
        Assert.Contains($"needs '{Sandbox}'", detail, StringComparison.Ordinal);
        Assert.Contains("sandbox", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"login.salesforce.com\"")]
    [InlineData("[\"https://login.salesforce.com\"]")]
    public async Task Explain_AudienceNotOneUrl_AudNotUrl(string aud)
    {
        var claims = Claims();
        claims["aud"] = JsonNode.Parse(aud);

        var result = await RunAsync("explain", "--assertion", Jwt(claims), "--json");

        Assert.Equal("error", (string?)Finding(result, "aud_not_url")["severity"]);
    }

    [Fact]
    public async Task Explain_IssuerIsNotTheClientId_IssNotConsumerKey()
    {
        var claims = Claims();
        claims["iss"] = User;

        var result = await RunAsync("explain", "--assertion", Jwt(claims), "--client-id", ConsumerKey, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(ConsumerKey, (string?)Finding(result, "iss_not_consumer_key")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SandboxUserOnProductionHost_SubSandboxSuffixOnProduction()
    {
        var claims = Claims();
        claims["sub"] = "jane@acme.com.uat";

        var result = await RunAsync("explain", "--assertion", Jwt(claims), "--login-url", Production, "--json");

        var detail = (string?)Finding(result, "sub_sandbox_suffix_on_production")["detail"];
        Assert.Contains("'.uat'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_Hs256_AlgNotRs256()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(), alg: "HS256"), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'HS256'", (string?)Finding(result, "alg_not_rs256")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_JwtSignedWithAnotherKey_CertificateMismatch()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims(), signer: _otherKeys), "--certificate", CertificatePath(_keys), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(_keys.PublicCertificate.Thumbprint, (string?)Finding(result, "certificate_mismatch")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_JwtWithTruncatedSignature_SignatureInvalid()
    {
        var jwt = Jwt(Claims());

        var result = await RunAsync("explain", "--assertion", jwt[..^10], "--certificate", CertificatePath(_keys), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("signature_invalid", Codes(result));
    }

    [Fact]
    public async Task Explain_WithoutCertificate_SaysTheSignatureWasNotChecked()
    {
        var result = await RunAsync("explain", "--assertion", Jwt(Claims()), "--json");

        Assert.Equal("info", (string?)Finding(result, "signature_not_checked")["severity"]);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Explain_AssertionFromStdin_ReadsIt()
    {
        var result = await RunWithStdinAsync(Jwt(Claims()) + "\n", "explain", "--assertion", "-", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("jwt", (string?)result.Json["kind"]);
    }

    [Fact]
    public async Task Explain_NotAnAssertion_Malformed()
    {
        var result = await RunAsync("explain", "--assertion", "hello", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("assertion_malformed", Codes(result));
    }

    [Fact]
    public async Task Explain_Nothing_UsageError()
    {
        var result = await RunAsync("explain");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Explain_WellBuiltSaml_NoFindings()
    {
        var saml = Saml(Production);

        var result = await RunAsync("explain", "--assertion", saml.Value, "--login-url", Production, "--client-id", ConsumerKey, "--username", User, "--certificate", CertificatePath(_keys), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("saml", (string?)result.Json["kind"]);
        Assert.Equal(User, (string?)result.Json["claims"]!["name_id"]);
        Assert.Empty(result.Json["findings"]!.AsArray());
    }

    [Fact]
    public async Task Explain_RawSamlXml_IsDecodedToo()
    {
        var result = await RunAsync("explain", "--assertion", Saml(Production).Xml!, "--json");

        Assert.Equal("saml", (string?)result.Json["kind"]);
        Assert.Equal(ConsumerKey, (string?)result.Json["claims"]!["issuer"]);
    }

    [Fact]
    public async Task Explain_SamlSignedWithAnotherKey_CertificateMismatch()
    {
        var saml = Saml(Production, signer: _otherKeys);

        var result = await RunAsync("explain", "--assertion", saml.Value, "--certificate", CertificatePath(_keys), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(_keys.PublicCertificate.Thumbprint, (string?)Finding(result, "certificate_mismatch")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SamlChangedAfterSigning_SignatureInvalid()
    {
        var xml = Saml(Production).Xml!.Replace(User, "other@acme.com", StringComparison.Ordinal);

        var result = await RunAsync("explain", "--assertion", xml, "--certificate", CertificatePath(_keys), "--json");

        Assert.Contains("changed after signing", (string?)Finding(result, "signature_invalid")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_UnsignedSaml_SamlUnsigned()
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(Saml(Production).Xml!);
        var signature = document.GetElementsByTagName("Signature", "http://www.w3.org/2000/09/xmldsig#")[0]!;
        signature.ParentNode!.RemoveChild(signature);

        var result = await RunAsync("explain", "--assertion", document.OuterXml, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("saml_unsigned", Codes(result));
    }

    [Fact]
    public async Task Explain_SamlForProductionPostedToSandbox_RecipientAndAudienceMismatch()
    {
        var result = await RunAsync("explain", "--assertion", Saml(Production).Value, "--login-url", Sandbox, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"{Sandbox}/services/oauth2/token", (string?)Finding(result, "saml_recipient_mismatch")["detail"], StringComparison.Ordinal);
        Assert.Contains($"needs '{Sandbox}'", (string?)Finding(result, "saml_audience_mismatch")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ExpiredSaml_SamlNotOnOrAfterPast()
    {
        var saml = Saml(Production);
        var later = Now.AddMinutes(10);

        var result = await RunAsync(later, null, "explain", "--assertion", saml.Value, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("saml_not_on_or_after_past", Codes(result));
    }

    [Fact]
    public async Task Explain_SamlForAnotherUser_SamlNameIdMismatch()
    {
        var result = await RunAsync("explain", "--assertion", Saml(Production).Value, "--username", "someone@acme.com", "--json");

        Assert.Contains("someone@acme.com", (string?)Finding(result, "saml_nameid_mismatch")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SandboxSamlUserOnProductionHost_SubSandboxSuffixOnProduction()
    {
        var result = await RunAsync("explain", "--assertion", Saml(Production, username: "jane@acme.com.uat").Value, "--login-url", Production, "--json");

        Assert.Contains("sub_sandbox_suffix_on_production", Codes(result));
    }

    [Fact]
    public async Task Explain_ResponseWithAssertion_PointsAtTheFindingsSalesforceRefused()
    {
        var response = Path.Combine(_folder, "response.json");
        File.WriteAllText(response, """{"error":"invalid_grant","error_description":"audience is invalid"}""");

        var result = await RunAsync("explain", "--assertion", Jwt(Claims()), "--login-url", Sandbox, "--response", response, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("audience is invalid", (string?)result.Json["claims"]!["response"]!["error_description"]);
        Assert.Contains("aud_mismatch", (string?)Finding(result, "response_error")["remedy"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_HtmlResponseFromStdin_NotAnOAuthError()
    {
        var result = await RunWithStdinAsync("<html><body>Down For Maintenance</body></html>", "explain", "--response", "-", "--json");

        Assert.Equal("response", (string?)result.Json["kind"]);
        Assert.Equal("warn", (string?)Finding(result, "response_not_oauth_error")["severity"]);
    }

    [Fact]
    public async Task Explain_HumanOutput_ListsClaimsAndFindings()
    {
        var claims = new JsonObject { ["iss"] = ConsumerKey, ["sub"] = User, ["aud"] = Production, ["nbf"] = Epoch(Now), ["exp"] = Epoch(Now) + 5 };

        var result = await RunAsync("explain", "--assertion", Jwt(claims));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("JWT bearer assertion", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2026-06-01 12:00:05 UTC", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("lifetime_too_short", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fix:", result.Stdout, StringComparison.Ordinal);
    }

    private static long Epoch(DateTimeOffset time) => time.ToUnixTimeSeconds();

    private static JsonObject Claims(DateTimeOffset? iat = null, DateTimeOffset? exp = null) => new()
    {
        ["iss"] = ConsumerKey,
        ["sub"] = User,
        ["aud"] = Production,
        ["exp"] = Epoch(exp ?? Now.AddMinutes(3)),
        ["iat"] = Epoch(iat ?? Now),
    };

    private string Jwt(JsonObject claims, FakeSalesforceKeyPair? signer = null, string alg = "RS256")
    {
        static string Segment(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var input = Segment(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}"}""")) + "." + Segment(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var key = (signer ?? _keys).GetPrivateKey();
        return input + "." + Segment(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>A SAML bearer assertion built by the library itself, as of <see cref="Now"/>.</summary>
    private SalesforceAssertion Saml(string loginUrl, FakeSalesforceKeyPair? signer = null, string username = User)
    {
        var keys = signer ?? _keys;
        var options = new SalesforceClientOptions
        {
            Flow = SalesforceFlow.SamlBearer,
            LoginUrl = new Uri(loginUrl),
            ClientId = ConsumerKey,
            Username = username,
            PrivateKeyPem = keys.PrivateKeyPem,
            CertificatePem = keys.CertificatePem,
        };
        using var http = new HttpClient();
        var client = new SalesforceTokenClient(http, options, new FakeTimeProvider(Now));
        return client.CreateAssertion();
    }

    private string CertificatePath(FakeSalesforceKeyPair keys)
    {
        var path = Path.Combine(_folder, keys.PublicCertificate.Thumbprint + ".crt");
        File.WriteAllText(path, keys.CertificatePem);
        return path;
    }

    private static JsonObject Finding(CliResult result, string code) =>
        result.Json["findings"]!.AsArray().Select(f => f!.AsObject()).FirstOrDefault(f => (string?)f["code"] == code)
        ?? throw new Xunit.Sdk.XunitException($"No finding {code} in:\n{result}");

    private static List<string?> Codes(CliResult result) => [.. result.Json["findings"]!.AsArray().Select(f => (string?)f!["code"])];

    private static Task<CliResult> RunAsync(params string[] args) => RunAsync(Now, null, args);

    private static Task<CliResult> RunWithStdinAsync(string stdin, params string[] args) => RunAsync(Now, stdin, args);

    private static async Task<CliResult> RunAsync(DateTimeOffset now, string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        var exitCode = await Program.RunAsync(args, stdout, stderr, environment, isTerminal: false, new FakeTimeProvider(now), TestContext.Current.CancellationToken, stdin: input);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
