using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Cli.Tests;

public sealed class DoctorCommandTests
{
    private static Dictionary<string, JsonObject> Checks(CliResult result) =>
        result.Json["checks"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => (string)c["name"]!);

    private static string Status(Dictionary<string, JsonObject> checks, string name) => (string)checks[name]["status"]!;

    [Fact]
    public async Task Doctor_HealthySetup_EveryCheckPasses()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var checks = Checks(result);
        Assert.Equal(["key", "certificate", "certificate_validity", "consumer_key", "username", "audience", "clock", "token", "instance_url", "api"], checks.Keys);
        Assert.All(checks.Values, c => Assert.True((string)c["status"]! == "pass", c.ToJsonString()));
        Assert.All(checks.Values, c => Assert.Equal(["name", "status", "detail", "remedy", "causes", "remedies"], c.Select(p => p.Key)));
        Assert.Equal("pass", (string?)result.Json["verdict"]);
    }

    [Fact]
    public async Task Doctor_HumanOutput_MarksEachCheckAndTheVerdict()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("✓ pass  token", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("Verdict: pass", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SkewedClockWithCompensationOff_FailsClockAndTokenWithTheSkew()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.ClockOffset = TimeSpan.FromMinutes(10);

        var result = await harness.RunAsync("doctor", "--json", "--skew-compensation", "off");

        Assert.Equal(3, result.ExitCode);
        var checks = Checks(result);
        Assert.Equal("fail", Status(checks, "clock"));
        Assert.Matches(@"Skew \+(59\d|60\d)\.\d s", (string)checks["clock"]["detail"]!);
        Assert.NotNull((string?)checks["clock"]["remedy"]);
        Assert.Equal("fail", Status(checks, "token"));
        Assert.StartsWith("AssertionExpired", (string)checks["token"]["detail"]!, StringComparison.Ordinal);
        Assert.Equal("fail", (string?)result.Json["verdict"]);
    }

    [Fact]
    public async Task Doctor_SkewedClockWithCompensationOn_WarnsButGetsAToken()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.ClockOffset = TimeSpan.FromMinutes(10);

        var result = await harness.RunAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var checks = Checks(result);
        Assert.Equal("warn", Status(checks, "clock"));
        Assert.Equal("pass", Status(checks, "token"));
        Assert.Equal("warn", (string?)result.Json["verdict"]);
    }

    [Fact]
    public async Task Doctor_CertificateOfAnotherKey_FailsTheMatchCheck()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        using var other = FakeSalesforceCertificates.CreateKeyPair("CN=someone else");
        harness.Environment["SF_CERTIFICATE"] = harness.Write("other.pem", other.CertificatePem);

        var result = await harness.RunAsync("doctor", "--json");

        Assert.Equal(2, result.ExitCode);
        var checks = Checks(result);
        Assert.Equal("pass", Status(checks, "key"));
        Assert.Equal("fail", Status(checks, "certificate"));
        Assert.Contains("does not match", (string)checks["certificate"]["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_AppHasAnotherCertificate_TokenCheckExplainsInvalidAssertion()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        using var other = FakeSalesforceCertificates.CreateKeyPair("CN=someone else");
        harness.App.Certificate = other.PublicCertificate;

        var result = await harness.RunAsync("doctor", "--json");

        Assert.Equal(3, result.ExitCode);
        var checks = Checks(result);
        Assert.Equal("pass", Status(checks, "certificate"));
        Assert.Equal("fail", Status(checks, "token"));
        Assert.StartsWith("InvalidAssertion", (string)checks["token"]["detail"]!, StringComparison.Ordinal);
        Assert.False(checks.ContainsKey("api"));
    }

    [Fact]
    public async Task Doctor_UnapprovedUser_TokenCheckFailsWithRemedy()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.PreAuthorizedUsers.Clear();

        var result = await harness.RunAsync("doctor", "--json");

        Assert.Equal(3, result.ExitCode);
        var token = Checks(result)["token"];
        Assert.Equal("fail", (string?)token["status"]);
        Assert.StartsWith("ConsumerNotApproved", (string)token["detail"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)token["remedy"]));
    }

    [Fact]
    public async Task Doctor_UnapprovedUser_TokenCheckShowsEveryCauseAndOneRemedyPerLine()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.PreAuthorizedUsers.Clear();

        var json = await harness.RunAsync("doctor", "--json");
        var human = await harness.RunAsync("doctor");

        var token = Checks(json)["token"];
        var causes = token["causes"]!.AsArray().Select(c => (string)c!).ToList();
        var remedies = token["remedies"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.True(causes.Count >= 2, token.ToJsonString());
        Assert.True(remedies.Count >= 2, token.ToJsonString());
        Assert.Equal(remedies[0], (string?)token["remedy"]);
        var lines = human.Stdout.Split('\n').Select(l => l.Trim()).ToList();
        Assert.All(causes, c => Assert.Contains($"cause: {c}", lines));
        Assert.All(remedies, r => Assert.Contains($"fix: {r}", lines));
    }

    [Fact]
    public async Task Doctor_AudienceRefused_RemediesNameTheOptionsNotTheLibrarySettings()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor", "--json", "--audience", "https://test.salesforce.com");

        var token = Checks(result)["token"];
        var text = token.ToJsonString();
        Assert.DoesNotContain("SalesforceClientOptions", text, StringComparison.Ordinal);
        Assert.Contains("--audience (or SF_AUDIENCE)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SandboxUserAtProductionLogin_WarnsAboutTheLoginHost()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var sandbox = harness.Emulator.AddOrg("acmeuat", sandbox: true);
        var user = sandbox.AddUser("integration@acme.example.uat");
        harness.App.PreAuthorizedUsers.Add(user);
        harness.Environment["SF_USERNAME"] = user.Username;

        var result = await harness.RunAsync("doctor", "--json");

        var checks = Checks(result);
        Assert.Equal("warn", Status(checks, "username"));
        Assert.Contains("test.salesforce.com", (string)checks["username"]["remedy"]!, StringComparison.Ordinal);
        Assert.Equal("fail", Status(checks, "token"));
        Assert.Equal("fail", (string?)result.Json["verdict"]);
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task Doctor_OddConsumerKey_WarnsAndTheTokenCheckFails()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_CLIENT_ID"] = "my-app";

        var result = await harness.RunAsync("doctor", "--json");

        var checks = Checks(result);
        Assert.Equal("warn", Status(checks, "consumer_key"));
        Assert.Equal("fail", Status(checks, "token"));
    }

    [Fact]
    public async Task Doctor_LoginHostUnreachable_Exit4()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_LOGIN_URL"] = "http://127.0.0.1:1";

        var result = await harness.RunAsync("doctor", "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("fail", Status(Checks(result), "clock"));
    }

    [Fact]
    public async Task Doctor_CertificateExpiringWithin30Days_Warns()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=expiring soon", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-300), now.AddDays(10));
        harness.App.Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
        harness.Environment["SF_PRIVATE_KEY"] = harness.Write("expiring.key", rsa.ExportPkcs8PrivateKeyPem());
        harness.Environment["SF_CERTIFICATE"] = harness.Write("expiring.crt", certificate.ExportCertificatePem());

        var result = await harness.RunAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var checks = Checks(result);
        Assert.Equal("warn", Status(checks, "certificate_validity"));
        Assert.Equal("pass", Status(checks, "token"));
        Assert.Equal("warn", (string?)result.Json["verdict"]);
    }

    [Fact]
    public async Task Doctor_WeakKey_FailsTheKeyCheck()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        using var rsa = RSA.Create(1024);
        harness.Environment["SF_PRIVATE_KEY"] = harness.Write("weak.key", rsa.ExportPkcs8PrivateKeyPem());

        var result = await harness.RunAsync("doctor", "--json");

        Assert.Equal(2, result.ExitCode);
        var key = Checks(result)["key"];
        Assert.Equal("fail", (string?)key["status"]);
        Assert.Contains("1024", (string)key["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_LightningLoginUrl_TokenCheckNamesTheMyDomain()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor", "--json", "--login-url", "https://acme.lightning.force.com");

        var token = Checks(result)["token"];
        Assert.Equal("fail", (string?)token["status"]);
        Assert.Contains("https://acme.my.salesforce.com", (string)token["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ClientCredentialsWithoutSecret_FailsTheSecretCheckAndSkipsKeyChecks()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("doctor", "--json", "--flow", "client-credentials");

        var checks = Checks(result);
        Assert.Equal("fail", Status(checks, "client_secret"));
        Assert.False(checks.ContainsKey("key"));
        Assert.Equal("fail", (string?)result.Json["verdict"]);
    }
}
