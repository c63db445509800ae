using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>Throwaway keys and certificates generated at run time (never commit a private key).</summary>
internal static class TestKeys
{
    // RSA generation costs hundreds of milliseconds on a busy CI box: a few throwaway 2048-bit keys are generated once
    // per test run and handed out round-robin as fresh, independent RSA instances (consecutive calls differ).
    private static readonly Lazy<byte[][]> Pool = new(() => Enumerable.Range(0, 4).Select(_ =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKey();
    }).ToArray());

    private static int s_next = -1;

    public static RSA NewRsa()
    {
        var pool = Pool.Value;
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pool[(int)((uint)Interlocked.Increment(ref s_next) % pool.Length)], out _);
        return rsa;
    }

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
        using var rsa = NewRsa();
        publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(rsa.ExportRSAPublicKey(), out _);
        return SalesforceSigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());
    }
}
