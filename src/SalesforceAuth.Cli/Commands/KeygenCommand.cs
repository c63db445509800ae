using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Files;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth keygen --out DIR</c>: the RSA key and self-signed certificate the JWT and SAML bearer flows need, written
/// so that only the owner can read the key, and the steps to upload the certificate and use the pair.
/// </summary>
internal static class KeygenCommand
{
    public const string KeyFileName = "salesforce.key";
    public const string CertificateFileName = "salesforce.crt";

    // PBKDF2 iterations for an encrypted key: OWASP's figure for PBKDF2-HMAC-SHA256.
    private const int PasswordIterations = 600_000;

    public static Command Create(CliHost host)
    {
        var output = new Option<string>("--out") { Description = $"the folder to write {KeyFileName} and {CertificateFileName} to (created if missing; existing files are never overwritten)", HelpName = "dir", Required = true };
        var subject = new Option<string>("--subject") { Description = "the certificate's subject: a common name or a full distinguished name", HelpName = "cn", DefaultValueFactory = _ => "CN=sfauth" };
        var days = new Option<int>("--days") { Description = "how many days the certificate is valid (1-3650)", HelpName = "n", DefaultValueFactory = _ => 365 };
        var bits = new Option<int>("--bits") { Description = "the RSA key size", HelpName = "2048|4096", DefaultValueFactory = _ => 2048 };
        var passwordVariable = new Option<string>("--key-password-env") { Description = "encrypt the key with the password in this environment variable (the password itself never goes on the command line)", HelpName = "var" };
        bits.AcceptOnlyFromAmong("2048", "4096");
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3650)
            {
                result.AddError("--days must be from 1 to 3650.");
            }
        });
        SettingOption.RequireValue(output);
        SettingOption.RequireValue(subject);
        SettingOption.RequireValue(passwordVariable);
        var command = new Command("keygen", "Create an RSA key and a self-signed certificate for the JWT and SAML bearer flows.") { output, subject, days, bits, passwordVariable };
        command.SetAction(host, (context, cancellationToken) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Run(context, context.GetValue(output)!, context.GetValue(subject)!, context.GetValue(days), context.GetValue(bits), context.GetValue(passwordVariable)));
        });
        return command;
    }

    private static int Run(CommandContext context, string output, string subjectText, int days, int bits, string? passwordVariable)
    {
        var console = context.Console;
        var password = passwordVariable is null ? null
            : context.Host.GetVariable(passwordVariable) ?? throw new UsageException($"--key-password-env names {passwordVariable}, but that environment variable is not set or is empty.");
        var subject = ParseSubject(subjectText);
        var folder = Path.GetFullPath(output);
        var keyPath = Path.Combine(folder, KeyFileName);
        var certificatePath = Path.Combine(folder, CertificateFileName);
        foreach (var path in new[] { keyPath, certificatePath })
        {
            if (File.Exists(path))
            {
                throw new UsageException($"{path} already exists; keygen never overwrites a key or certificate. Choose another --out folder, or move the old files away first.");
            }
        }

        using var rsa = RSA.Create(bits);
        var now = console.TimeProvider.GetUtcNow();
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // Backdated a little so that a server whose clock is slightly behind does not see a not-yet-valid certificate.
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(days));
        var keyPem = password is null
            ? rsa.ExportPkcs8PrivateKeyPem()
            : rsa.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, PasswordIterations));

        Directory.CreateDirectory(folder);
        WriteNew(keyPath, keyPem, PrivateFile.OwnerOnly);
        WriteNew(certificatePath, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var notAfter = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var environment = new List<(string Name, string Value)>
        {
            ("SF_PRIVATE_KEY", keyPath),
            ("SF_CERTIFICATE", certificatePath),
        };
        if (passwordVariable is not null && passwordVariable != "SF_PRIVATE_KEY_PASSWORD")
        {
            environment.Add(("SF_PRIVATE_KEY_PASSWORD", $"${passwordVariable}"));
        }

        if (console.Json)
        {
            var variables = new JsonObject();
            foreach (var (name, value) in environment)
            {
                variables[name] = value;
            }

            console.WriteJson(new JsonObject
            {
                ["key"] = keyPath,
                ["certificate"] = certificatePath,
                ["subject"] = certificate.Subject,
                ["bits"] = bits,
                ["encrypted"] = password is not null,
                ["thumbprint"] = certificate.Thumbprint,
                ["not_after"] = notAfter,
                ["environment"] = variables,
            });
            return ExitCodes.Success;
        }

        var writer = console.Out;
        writer.WriteLine($"{console.Green("✓")} Key pair written");
        console.WriteFields(
        [
            ("key", $"{keyPath}  (RSA {bits}, PKCS#8{(password is null ? string.Empty : ", encrypted")}{(OperatingSystem.IsWindows() ? string.Empty : ", readable only by you")})"),
            ("certificate", $"{certificatePath}  ({certificate.Subject}, valid until {notAfter}, thumbprint {certificate.Thumbprint})"),
        ]);
        writer.WriteLine();
        writer.WriteLine(console.Bold($"Upload {CertificateFileName} (never the key) to the app that will accept the assertions:"));
        writer.WriteLine("  External Client App: Setup → External Client App Manager → <your app> → Edit Settings → OAuth Settings:");
        writer.WriteLine($"    under Flow Enablement tick \"Enable JWT Bearer Flow\", upload {CertificateFileName}, Save.");
        writer.WriteLine("  Connected App: Setup → App Manager → <your app> → Edit → Enable OAuth Settings:");
        writer.WriteLine($"    tick \"Use digital signatures\", choose {CertificateFileName}, Save.");
        writer.WriteLine("  Then allow the integration user: in the app's policies set Permitted Users to \"Admin approved users are");
        writer.WriteLine("  pre-authorized\" and add the user's profile or a permission set. Changes take a few minutes to apply.");
        writer.WriteLine();
        writer.WriteLine(console.Bold("Then use the pair:"));
        var text = new StringBuilder();
        foreach (var (name, value) in environment)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  export {name}={ShellText.Quote(value)}");
        }

        text.AppendLine("  export SF_CLIENT_ID=<the app's consumer key>");
        text.AppendLine("  export SF_USERNAME=<the integration user's username>");
        text.Append("  sfauth doctor");
        writer.WriteLine(text.ToString());
        return ExitCodes.Success;
    }

    private static X500DistinguishedName ParseSubject(string value)
    {
        var text = value.Contains('=', StringComparison.Ordinal) ? value : $"CN={value}";
        try
        {
            return new X500DistinguishedName(text);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"--subject must be a common name (sfauth) or a distinguished name (CN=sfauth, O=Acme), not '{value}'.", ex);
        }
    }

    private static void WriteNew(string path, string content, UnixFileMode mode)
    {
        try
        {
            PrivateFile.CreateNew(path, content, mode);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new UsageException($"{path} already exists; keygen never overwrites a key or certificate.", ex);
        }
    }
}
