using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SalesforceAuth.Cli.Tests;

/// <summary><c>assertion</c>, <c>introspect</c>, <c>revoke</c> and the non-JWT flows.</summary>
public sealed class LifecycleCommandTests
{
    private static async Task<HttpStatusCode> PostAssertionAsync(CliHarness harness, string grantType, string assertion)
    {
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = grantType, ["assertion"] = assertion });
        using var response = await http.PostAsync(new Uri(harness.Emulator.LoginUrl, "/services/oauth2/token"), content, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> CallApiAsync(CliHarness harness, string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(harness.Org.InstanceUrl, "/services/data/v62.0/sobjects"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Assertion_Jwt_PrintsDecodedHeaderAndClaimsAndAVerifiableValue()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("assertion", "--json", "--show-token");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json.AsObject();
        Assert.Equal(["grant_type", "assertion", "header", "claims"], json.Select(p => p.Key));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", (string?)json["grant_type"]);
        Assert.Equal("RS256", (string?)json["header"]!["alg"]);
        Assert.Equal(harness.App.ConsumerKey, (string?)json["claims"]!["iss"]);
        Assert.Equal(harness.User.Username, (string?)json["claims"]!["sub"]);
        Assert.Equal("https://login.salesforce.com", (string?)json["claims"]!["aud"]);

        // The signature verifies with the certificate uploaded to the app...
        var value = (string)json["assertion"]!;
        var parts = value.Split('.');
        using var publicKey = harness.KeyPair.PublicCertificate.GetRSAPublicKey()!;
        var signature = Convert.FromBase64String(parts[2].Replace('-', '+').Replace('_', '/').PadRight(parts[2].Length + ((4 - (parts[2].Length % 4)) % 4), '='));
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        // ...and the value is exactly what would be posted: the token endpoint accepts it.
        Assert.Equal(HttpStatusCode.OK, await PostAssertionAsync(harness, (string)json["grant_type"]!, value));
    }

    [Fact]
    public async Task Assertion_Saml_PrintsTheXmlAndAPostableValue()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("assertion", "--flow", "saml", "--json", "--show-token");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json.AsObject();
        Assert.Equal(["grant_type", "assertion", "xml"], json.Select(p => p.Key));
        Assert.Equal("urn:ietf:params:oauth:grant-type:saml2-bearer", (string?)json["grant_type"]);
        var xml = (string)json["xml"]!;
        Assert.Contains("Assertion", xml, StringComparison.Ordinal);
        Assert.Contains(harness.User.Username, xml, StringComparison.Ordinal);
        Assert.Contains("SignatureValue", xml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PostAssertionAsync(harness, (string)json["grant_type"]!, (string)json["assertion"]!));
    }

    [Fact]
    public async Task Assertion_SamlHumanOutput_IndentsACopyOfTheXmlAndPostsTheSignedOriginal()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("assertion", "--flow", "saml", "--show-token");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        var xml = lines.SkipWhile(l => !l.StartsWith("xml", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("assertion", StringComparison.Ordinal)).ToList();
        Assert.True(xml.Count > 10, result.Stdout);
        Assert.StartsWith("<", xml[0], StringComparison.Ordinal);
        Assert.Contains(xml, l => l.StartsWith("  <", StringComparison.Ordinal));
        Assert.Contains(xml, l => l.StartsWith("    <", StringComparison.Ordinal));

        // The value printed for posting is the signed original, untouched by the indentation: the endpoint accepts it.
        var posted = lines.SkipWhile(l => !l.StartsWith("assertion", StringComparison.Ordinal)).Skip(1).First().Trim();
        Assert.Equal(HttpStatusCode.OK, await PostAssertionAsync(harness, "urn:ietf:params:oauth:grant-type:saml2-bearer", posted));
    }

    [Fact]
    public async Task Assertion_JwtWithoutShowToken_PrintsTheClaimsWithTheSignatureRedacted()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var json = await harness.RunAsync("assertion", "--json");
        var human = await harness.RunAsync("assertion");

        Assert.True(json.ExitCode == 0, json.ToString());
        var parts = ((string)json.Json["assertion"]!).Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("[redacted]", parts[2]);
        Assert.Equal(harness.User.Username, (string?)json.Json["claims"]!["sub"]);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains(harness.User.Username, human.Stdout, StringComparison.Ordinal);
        Assert.Contains("signature  [redacted]", human.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}", json.Stdout + human.Stdout);
    }

    [Fact]
    public async Task Assertion_SamlWithoutShowToken_RedactsTheSignatureValueAndTheEncodedAssertion()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("assertion", "--flow", "saml", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("[redacted]", (string?)result.Json["assertion"]);
        var xml = (string)result.Json["xml"]!;
        Assert.Matches(@"SignatureValue[^>]*>\[redacted\]</", xml);
        Assert.Contains(harness.User.Username, xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspect_FreshToken_IsActiveForTheUser()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;

        var result = await harness.RunAsync("introspect", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((bool)result.Json["active"]!);
        Assert.Equal(harness.User.Username, (string?)result.Json["username"]);
        Assert.Equal(harness.App.ConsumerKey, (string?)result.Json["client_id"]);
    }

    [Fact]
    public async Task Revoke_Token_ThePodRefusesItAfterwards()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var token = await harness.RunAsync("token", "--json", "--show-token");
        var accessToken = (string)token.Json["access_token"]!;

        var result = await harness.RunAsync("revoke", accessToken, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((bool)result.Json["revoked"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(harness, accessToken));
    }

    [Fact]
    public async Task Introspect_TokenFromStdin_IsActive()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;
        var token = await harness.RunAsync("token", "--json", "--show-token");

        var result = await harness.RunWithInputAsync((string)token.Json["access_token"]! + "\n", "introspect", "-", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((bool)result.Json["active"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Revoke_TokenFromStdinOrSfToken_ThePodRefusesItAfterwards(bool stdin)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var token = await harness.RunAsync("token", "--json", "--show-token");
        var accessToken = (string)token.Json["access_token"]!;
        if (!stdin)
        {
            harness.Environment["SF_TOKEN"] = accessToken;
        }

        var result = stdin
            ? await harness.RunWithInputAsync(accessToken, "revoke", "-", "--json")
            : await harness.RunAsync("revoke", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, await CallApiAsync(harness, accessToken));
    }

    [Theory]
    [InlineData("revoke")]
    [InlineData("revoke", "-")]
    [InlineData("introspect", "-")]
    public async Task RevokeOrIntrospect_NoToken_Exit2(params string[] args)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;

        var result = await harness.RunWithInputAsync(string.Empty, [.. args, "--json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("UsageError", (string?)result.Error["type"]);
    }

    [Theory]
    [InlineData("revoke")]
    [InlineData("introspect")]
    public async Task RevokeOrIntrospect_Help_SaysHowToKeepTheTokenOffTheCommandLine(string command)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SF_TOKEN", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stdin", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("process list", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ClientCredentialsAtMyDomain_Succeeds()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.RunAsUser = harness.User;

        var result = await harness.RunAsync("token", "--json", "--flow", "client-credentials", "--login-url", harness.Org.MyDomainUrl.ToString(), "--client-secret", harness.App.ConsumerSecret!);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Token_RefreshTokenFlow_Succeeds()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_REFRESH_TOKEN"] = harness.Emulator.IssueRefreshToken(harness.App, harness.User);
        harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;

        var result = await harness.RunAsync("token", "--json", "--flow", "refresh-token");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(harness.Environment["SF_REFRESH_TOKEN"]!, result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JwtBearer")]
    [InlineData("JWT")]
    [InlineData("jwt-bearer")]
    public async Task Token_FlowInTheConfigurationSpelling_Accepted(string flow)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token", "--json", "--flow", flow);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Token_SamlFlow_Succeeds()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token", "--json", "--flow", "saml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(harness.Org.InstanceUrl.Authority, new Uri((string)result.Json["instance_url"]!).Authority);
    }

    [Fact]
    public async Task Doctor_SamlFlowWithoutCertificate_FailsTheCertificateCheck()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment.Remove("SF_CERTIFICATE");

        var result = await harness.RunAsync("doctor", "--json", "--flow", "saml");

        Assert.Equal(2, result.ExitCode);
        var certificate = result.Json["checks"]!.AsArray().Single(c => (string)c!["name"]! == "certificate")!;
        Assert.Equal("fail", (string?)certificate["status"]);
        Assert.Contains("SF_CERTIFICATE", (string)certificate["remedy"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SamlFlowHealthy_Passes()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor", "--json", "--flow", "saml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("pass", (string?)result.Json["verdict"]);
    }
}
