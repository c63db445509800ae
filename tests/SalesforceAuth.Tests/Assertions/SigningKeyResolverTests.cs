using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Assertions;

public sealed class SigningKeyResolverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sfauth-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SalesforceSigningKey Resolve(SalesforceClientOptions options) =>
        SigningKeyResolver.Resolve(options, TimeProvider.System, NullLogger.Instance);

    private static bool SignsFor(SalesforceSigningKey key, RSA rsa)
    {
        var data = "x"u8.ToArray();
        return rsa.VerifyData(data, key.Sign(data), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [Fact]
    public void Resolve_SigningKeyInCode_WinsOverPathAndPem()
    {
        using var rsa = TestKeys.NewRsa();
        using var other = TestKeys.NewRsa();
        using var inCode = SalesforceSigningKey.FromRsa(rsa);

        var key = Resolve(new SalesforceClientOptions { SigningKey = inCode, PrivateKeyPath = "/nonexistent", PrivateKeyPem = other.ExportPkcs8PrivateKeyPem() });

        Assert.Same(inCode, key);
    }

    [Fact]
    public void Resolve_PemPathWithCertificatePath_LoadsBoth()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        var keyPath = Path.Combine(_directory, "server.key");
        var certificatePath = Path.Combine(_directory, "server.crt");
        File.WriteAllText(keyPath, rsa.ExportRSAPrivateKeyPem());
        File.WriteAllText(certificatePath, TestKeys.CertificatePem(certificate));

        using var key = Resolve(new SalesforceClientOptions { PrivateKeyPath = keyPath, CertificatePath = certificatePath, PrivateKeyPem = "ignored" });

        Assert.Equal(certificate.Thumbprint, key.CertificateThumbprint);
        Assert.True(SignsFor(key, rsa));
    }

    [Fact]
    public void Resolve_PfxPath_DetectedByContent()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        var path = Path.Combine(_directory, "bundle.bin");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "pw"));

        using var key = Resolve(new SalesforceClientOptions { PrivateKeyPath = path, PrivateKeyPassword = "pw" });

        Assert.Equal(certificate.Thumbprint, key.CertificateThumbprint);
    }

    [Fact]
    public void Resolve_PemText_Loads()
    {
        using var rsa = TestKeys.NewRsa();

        using var key = Resolve(new SalesforceClientOptions { PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem() });

        Assert.True(SignsFor(key, rsa));
    }

    [Fact]
    public void Resolve_MissingFile_NamesPrivateKeyPath()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => Resolve(new SalesforceClientOptions { PrivateKeyPath = Path.Combine(_directory, "missing.key") }));

        Assert.Equal("PrivateKeyPath", ex.Setting);
    }

    [Fact]
    public void Resolve_UnknownThumbprint_NamesCertificateThumbprint()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => Resolve(new SalesforceClientOptions { CertificateThumbprint = "00112233445566778899AABBCCDDEEFF00112233" }));

        Assert.Equal("CertificateThumbprint", ex.Setting);
    }

    [Fact]
    public void Resolve_NothingConfigured_ListsTheSources()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => Resolve(new SalesforceClientOptions()));

        Assert.Contains("PrivateKeyPem", ex.Message, StringComparison.Ordinal);
    }
}
