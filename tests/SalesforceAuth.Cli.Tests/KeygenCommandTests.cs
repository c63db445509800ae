using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Cli.Tests;

public sealed class KeygenCommandTests
{
    private static string NewFolder(CliHarness harness) => Path.Combine(Path.GetDirectoryName(harness.KeyPath)!, "generated");

    [Fact]
    public async Task Keygen_ThenDoctorWithThePair_KeyAndCertificateChecksPass()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);

        var keygen = await harness.RunAsync("keygen", "--out", folder, "--subject", "integration", "--days", "90", "--json");

        Assert.True(keygen.ExitCode == 0, keygen.ToString());
        var key = (string)keygen.Json["key"]!;
        var certificate = (string)keygen.Json["certificate"]!;
        Assert.Equal(Path.Combine(folder, "salesforce.key"), key);
        Assert.Equal(Path.Combine(folder, "salesforce.crt"), certificate);
        Assert.Equal(key, (string?)keygen.Json["environment"]!["SF_PRIVATE_KEY"]);

        // The user uploads the certificate to the app and points the SF_* settings at the pair.
        harness.App.Certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate, TestContext.Current.CancellationToken));
        Assert.Equal("CN=integration", harness.App.Certificate.Subject);
        harness.Environment["SF_PRIVATE_KEY"] = key;
        harness.Environment["SF_CERTIFICATE"] = certificate;
        var doctor = await harness.RunAsync("doctor", "--json");

        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        var checks = doctor.Json["checks"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => (string)c!["status"]!);
        Assert.Equal("pass", checks["key"]);
        Assert.Equal("pass", checks["certificate"]);
        Assert.Equal("pass", checks["certificate_validity"]);
        Assert.Equal("pass", checks["token"]);
    }

    [Fact]
    public async Task Keygen_HumanOutput_GivesTheUploadStepsAndTheSettings()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);

        var result = await harness.RunAsync("keygen", "--out", folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("External Client App Manager", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Use digital signatures", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"export SF_PRIVATE_KEY={Path.Combine(folder, "salesforce.key")}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"export SF_CERTIFICATE={Path.Combine(folder, "salesforce.crt")}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keygen_PasswordVariable_WritesAnEncryptedKeyThatLoadsOnlyWithThePassword()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);
        harness.Environment["KEY_PASSWORD"] = "correct horse battery staple";

        var result = await harness.RunAsync("keygen", "--out", folder, "--key-password-env", "KEY_PASSWORD", "--bits", "4096", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((bool)result.Json["encrypted"]!);
        Assert.Equal("$KEY_PASSWORD", (string?)result.Json["environment"]!["SF_PRIVATE_KEY_PASSWORD"]);
        var path = (string)result.Json["key"]!;
        var pem = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.True(PemEncoding.TryFind(pem, out var fields), "The key file is not PEM.");
        Assert.Equal("ENCRYPTED PRIVATE KEY", pem[fields.Label]);
        using (var key = SalesforceSigningKey.FromFile(path, "correct horse battery staple", (string)result.Json["certificate"]!))
        {
            Assert.Equal(4096, key.KeySize);
        }

        Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromFile(path));
        Assert.DoesNotContain("correct horse", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keygen_OnUnix_KeyIsReadableOnlyByItsOwner()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("File modes are a Unix notion.");
            return;
        }

        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);

        var result = await harness.RunAsync("keygen", "--out", folder, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode((string)result.Json["key"]!));
    }

    [Fact]
    public async Task Keygen_FilesExist_Exit2AndLeavesThemAlone()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);
        Directory.CreateDirectory(folder);
        var existing = Path.Combine(folder, "salesforce.crt");
        await File.WriteAllTextAsync(existing, "the certificate already uploaded", TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("keygen", "--out", folder, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already exists", (string)result.Error["summary"]!, StringComparison.Ordinal);
        Assert.Equal("the certificate already uploaded", await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(folder, "salesforce.key")));
    }

    [Theory]
    [InlineData("--bits", "1024")]
    [InlineData("--days", "0")]
    [InlineData("--key-password-env", "NOT_SET_ANYWHERE")]
    public async Task Keygen_BadValue_Exit2WithoutWritingAnything(string option, string value)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        var folder = NewFolder(harness);

        var result = await harness.RunAsync("keygen", "--out", folder, option, value, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("UsageError", (string?)result.Error["type"]);
        Assert.False(Directory.Exists(folder));
    }
}
