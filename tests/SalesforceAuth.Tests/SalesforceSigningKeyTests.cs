using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests;

public sealed class SalesforceSigningKeyTests
{
    private static readonly byte[] Data = "signing input"u8.ToArray();

    private static void AssertSignsFor(SalesforceSigningKey key, RSA rsa) =>
        Assert.True(rsa.VerifyData(Data, key.Sign(Data), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    [Fact]
    public void FromPem_Pkcs1_Loads()
    {
        using var rsa = TestKeys.NewRsa();
        using var key = SalesforceSigningKey.FromPem(rsa.ExportRSAPrivateKeyPem());

        Assert.Equal(2048, key.KeySize);
        AssertSignsFor(key, rsa);
    }

    [Fact]
    public void FromPem_Pkcs8_Loads()
    {
        using var rsa = TestKeys.NewRsa();
        using var key = SalesforceSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());

        AssertSignsFor(key, rsa);
    }

    [Fact]
    public void FromPem_EncryptedPkcs8WithPassword_Loads()
    {
        using var rsa = TestKeys.NewRsa();
        var pem = rsa.ExportEncryptedPkcs8PrivateKeyPem("pa55word", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        using var key = SalesforceSigningKey.FromPem(pem, "pa55word");

        AssertSignsFor(key, rsa);
    }

    [Fact]
    public void FromPem_EncryptedPkcs8WithoutPassword_NamesThePasswordSetting()
    {
        using var rsa = TestKeys.NewRsa();
        var pem = rsa.ExportEncryptedPkcs8PrivateKeyPem("pa55word", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPem(pem));

        Assert.Equal("PrivateKeyPassword", ex.Setting);
    }

    [Fact]
    public void FromPem_EncryptedPkcs8WrongPassword_FailsWithoutEchoingIt()
    {
        using var rsa = TestKeys.NewRsa();
        var pem = rsa.ExportEncryptedPkcs8PrivateKeyPem("pa55word", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPem(pem, "wrong-secret-pw"));

        Assert.DoesNotContain("wrong-secret-pw", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromPfx_WithPassword_LoadsKeyAndCertificate()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        var pfx = certificate.Export(X509ContentType.Pfx, "pfx-pass");

        using var key = SalesforceSigningKey.FromPfx(pfx, "pfx-pass");

        Assert.Equal(certificate.Thumbprint, key.CertificateThumbprint);
        AssertSignsFor(key, rsa);
        Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPfx(pfx, "wrong"));
    }

    [Fact]
    public void FromPfx_DisposedKey_DisposesTheCertificateItLoaded()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        var key = SalesforceSigningKey.FromPfx(certificate.Export(X509ContentType.Pfx, "pfx-pass"), "pfx-pass");
        var loaded = key.Certificate!;

        key.Dispose();

        Assert.Equal(IntPtr.Zero, loaded.Handle);
        Assert.NotEqual(IntPtr.Zero, certificate.Handle);
    }

    [Fact]
    public void FromCertificate_DisposedKey_LeavesTheCallersCertificate()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);

        SalesforceSigningKey.FromCertificate(certificate).Dispose();

        Assert.NotEqual(IntPtr.Zero, certificate.Handle);
    }

    [Fact]
    public void FromPfx_PfxWithoutUsableKey_DisposesTheCertificateItLoaded()
    {
        using var rsa = RSA.Create(1024);
        using var certificate = TestKeys.SelfSigned(rsa);
        X509Certificate2? loaded = null;

        Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPfx(certificate.Export(X509ContentType.Pfx, "p"), "p", (bytes, password) =>
            loaded = X509CertificateLoader.LoadPkcs12(bytes, password, X509KeyStorageFlags.EphemeralKeySet)));

        Assert.Equal(IntPtr.Zero, loaded!.Handle);
    }

    [Fact]
    public void FromPfx_PlatformWithoutEphemeralKeySet_ConfigurationErrorNamingTheSetting()
    {
        var error = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPfx([0x30, 0x00], "p", (_, _) =>
            throw new PlatformNotSupportedException("EphemeralKeySet is not supported on this platform.")));

        Assert.Equal("PrivateKeyPath", error.Setting);
        Assert.Contains("PEM", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FromKeyFileContent_PemOrPfx_ClearsTheBytesItRead(bool pfx)
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        var content = pfx ? certificate.Export(X509ContentType.Pfx, "p") : System.Text.Encoding.UTF8.GetBytes(rsa.ExportPkcs8PrivateKeyPem());

        using var key = SalesforceSigningKey.FromKeyFileContent(content, "p", certificatePath: null);

        AssertSignsFor(key, rsa);
        Assert.All(content, b => Assert.Equal(0, b));
    }

    [Fact]
    public void FromKeyFileContent_Unreadable_ClearsTheBytesToo()
    {
        const string Label = "PRIVATE KEY";
        var content = System.Text.Encoding.UTF8.GetBytes($"-----BEGIN {Label}-----\nnot base64\n-----END {Label}-----");

        Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromKeyFileContent(content, null, null));

        Assert.All(content, b => Assert.Equal(0, b));
    }

    [Fact]
    public void FromCertificate_WithPrivateKey_Loads()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);

        using var key = SalesforceSigningKey.FromCertificate(certificate);

        AssertSignsFor(key, rsa);
    }

    [Fact]
    public void FromCertificate_PublicOnly_Refused()
    {
        using var rsa = TestKeys.NewRsa();
        using var withKey = TestKeys.SelfSigned(rsa);
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromCertificate(publicOnly));

        Assert.Contains("no private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRsa_Instance_LoadsAndDoesNotDisposeIt()
    {
        using var rsa = TestKeys.NewRsa();
        var key = SalesforceSigningKey.FromRsa(rsa);
        key.Dispose();

        AssertSignsFor(SalesforceSigningKey.FromRsa(rsa), rsa);
    }

    [Fact]
    public void FromSigningCredentials_Custom_SignsThroughTheProvider()
    {
        using var rsa = TestKeys.NewRsa();
        using var key = SalesforceSigningKey.FromSigningCredentials(new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } });

        Assert.False(key.TrySign(Data, new byte[256], out _));
        AssertSignsFor(key, rsa);
    }

    [Fact]
    public void FromSigningCredentials_NotRs256_Refused()
    {
        using var rsa = TestKeys.NewRsa();

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromSigningCredentials(new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha512)));

        Assert.Contains("RS256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRsa_1024Bits_Refused()
    {
        using var rsa = RSA.Create(1024);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromRsa(rsa));

        Assert.Contains("1024 bits", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRsa_PublicOnly_Refused()
    {
        using var rsa = TestKeys.NewRsa();
        using var publicOnly = RSA.Create();
        publicOnly.ImportRSAPublicKey(rsa.ExportRSAPublicKey(), out _);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromRsa(publicOnly));

        Assert.Contains("no private part", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_PublicKeyPem_Refused()
    {
        using var rsa = TestKeys.NewRsa();

        Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void FromPem_MismatchedCertificate_Refused()
    {
        using var rsa = TestKeys.NewRsa();
        using var other = TestKeys.NewRsa();
        using var otherCertificate = TestKeys.SelfSigned(other);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem(), certificatePem: TestKeys.CertificatePem(otherCertificate)));

        Assert.Equal("CertificatePath", ex.Setting);
        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetCertificateWarnings_ExpiringAndExpired_Warn()
    {
        using var rsa = TestKeys.NewRsa();
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        using var expiring = TestKeys.SelfSigned(rsa, now.AddYears(-1), now.AddDays(10));
        using var key = SalesforceSigningKey.FromRsa(rsa, expiring);

        Assert.Contains("expires on", Assert.Single(key.GetCertificateWarnings(now)), StringComparison.Ordinal);
        Assert.Contains("expired on", Assert.Single(key.GetCertificateWarnings(now.AddDays(11))), StringComparison.Ordinal);
        Assert.Empty(key.GetCertificateWarnings(now.AddDays(-60)));
    }

    [Fact]
    public void SigningKeyResolver_ExpiringCertificate_LogsWarningAtProviderTime()
    {
        using var rsa = TestKeys.NewRsa();
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        using var expiring = TestKeys.SelfSigned(rsa, now.AddYears(-1), now.AddDays(5));
        var logs = new CapturingLoggerFactory();
        var options = new SalesforceClientOptions { PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(), CertificatePem = TestKeys.CertificatePem(expiring) };

        using var key = SigningKeyResolver.Resolve(options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now), logs.CreateLogger("t"));

        Assert.Contains(logs.Lines, l => l.EventId.Id == 5001 && l.Message.Contains("expires on", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        using var rsa = TestKeys.NewRsa();
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        using var key = SalesforceSigningKey.FromPem(pem);

        Assert.Contains("[redacted]", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(pem.Split('\n')[1], key.ToString(), StringComparison.Ordinal);
    }
}
