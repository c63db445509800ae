using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>Throwaway keys and certificates generated at run time (never commit a private key).</summary>
internal static class TestKeys
{
    public static RSA NewRsa(int bits = 2048) => RSA.Create(bits);

    public static X509Certificate2 SelfSigned(RSA rsa, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=SalesforceAuth test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    public static X509Certificate2 SelfSigned(RSA rsa) =>
        SelfSigned(rsa, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static SalesforceSigningKey NewSigningKey(out RSA publicKey)
    {
        var rsa = RSA.Create(2048);
        publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(rsa.ExportRSAPublicKey(), out _);
        return SalesforceSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());
    }
}
