using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Testing;

/// <summary>Creates throwaway keys and certificates so tests and samples never need a committed private key.</summary>
public static class FakeSalesforceCertificates
{
    /// <summary>Creates an RSA-2048 key and a self-signed certificate valid from a day before now (by
    /// <paramref name="timeProvider"/>, default the system clock) for one year.</summary>
    /// <param name="subject">The subject, for example <c>CN=SalesforceAuth test</c>.</param>
    /// <param name="timeProvider">The clock that dates the certificate, or <see langword="null"/> for the system clock.</param>
    /// <returns>The key pair; dispose it when done.</returns>
    public static FakeSalesforceKeyPair CreateKeyPair(string subject = "CN=SalesforceAuth test", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var certificatePem = created.ExportCertificatePem();
        var privateKeyPem = rsa.ExportPkcs8PrivateKeyPem();

        // Round-trip through PEM so the key is usable on every platform without an ephemeral-key quirk.
        var withKey = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
#pragma warning disable SYSLIB0057 // the constructor is the only API on net8.0
        var publicOnly = new X509Certificate2(created.RawData);
#pragma warning restore SYSLIB0057
        return new FakeSalesforceKeyPair(withKey, publicOnly, privateKeyPem, certificatePem);
    }
}
