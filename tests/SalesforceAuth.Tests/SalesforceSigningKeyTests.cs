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
