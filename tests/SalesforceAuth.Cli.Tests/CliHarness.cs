using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Cli.Tests;

/// <summary>
/// One isolated world per test: a FakeSalesforce on free loopback ports, a throwaway key pair written to a private
/// temporary folder, an org, a pre-authorized user and a connected app; runs <c>sfauth</c> in process against it.
/// </summary>
internal sealed partial class CliHarness : IAsyncDisposable
{
    private readonly string _folder;

    private CliHarness(FakeSalesforce emulator, FakeSalesforceKeyPair keyPair, string folder, FakeOrg org, FakeUser user, FakeConnectedApp app)
    {
        Emulator = emulator;
        KeyPair = keyPair;
        _folder = folder;
        Org = org;
        User = user;
        App = app;
        KeyPath = Write("key.pem", keyPair.PrivateKeyPem);
        CertificatePath = Write("certificate.pem", keyPair.CertificatePem);
    }

    public FakeSalesforce Emulator { get; }

    public FakeSalesforceKeyPair KeyPair { get; }

    public FakeOrg Org { get; }

    public FakeUser User { get; }

    public FakeConnectedApp App { get; }

    public string KeyPath { get; }

    public string CertificatePath { get; }

    /// <summary>The SF_* variables of a healthy setup; tests change entries to break it.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public static async Task<CliHarness> StartAsync(CancellationToken cancellationToken)
    {
        // Plain HTTP, opted into: sfauth builds its own HTTP clients (trusting the machine's store), as a user would run it
        // against an emulator with --allow-insecure-loopback.
        var emulator = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { UseHttps = false }, cancellationToken);
        var keyPair = FakeSalesforceCertificates.CreateKeyPair();
        var folder = Directory.CreateTempSubdirectory("sfauth-tests-").FullName;
        var org = emulator.AddOrg("acme");
        var user = org.AddUser("integration@acme.example");
        var app = new FakeConnectedApp
        {
            Certificate = keyPair.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
        };
        app.PreAuthorizedUsers.Add(user);
        emulator.AddConnectedApp(app);
        var harness = new CliHarness(emulator, keyPair, folder, org, user, app);
        harness.Environment["SF_LOGIN_URL"] = emulator.LoginUrl.ToString();
        harness.Environment["SF_CLIENT_ID"] = app.ConsumerKey;
        harness.Environment["SF_USERNAME"] = user.Username;
        harness.Environment["SF_PRIVATE_KEY"] = harness.KeyPath;
        harness.Environment["SF_CERTIFICATE"] = harness.CertificatePath;
        harness.Environment["SF_ALLOW_INSECURE_LOOPBACK"] = "1";

        // Fail fast on injected outages instead of waiting through the default backoff.
        harness.Environment["SF_MAX_RETRIES"] = "0";
        return harness;
    }

    /// <summary>Writes a throwaway file into this test's private folder.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    /// <summary>Runs the tool with <paramref name="stdin"/> as its standard input.</summary>
    public async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin);
        var exitCode = await Program.RunAsync(args, stdout, stderr, Environment, TestContext.Current.CancellationToken, input);
        var result = new CliResult(exitCode, stdout.ToString(), stderr.ToString());
        AssertNoSecrets(result.Stdout + result.Stderr, allowToken: args.Contains("--show-token"));
        return result;
    }

    /// <summary>No private key, and no access token unless it was asked for.</summary>
    public void AssertNoSecrets(string text, bool allowToken = false)
    {
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain(App.ConsumerSecret ?? "\0", text, StringComparison.Ordinal);
        if (!allowToken)
        {
            Assert.DoesNotMatch(AccessTokenShape(), text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        KeyPair.Dispose();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders too.
        }
    }

    // Salesforce access tokens: the 15-character org id, '!', then the secret part (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5).
    [GeneratedRegex(@"00D[A-Za-z0-9]{12}![A-Za-z0-9._]{20,}")]
    public static partial Regex AccessTokenShape();
}

/// <summary>What one run of the tool produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("stdout was 'null'.");

    public JsonObject Error => Json["error"]!.AsObject();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
