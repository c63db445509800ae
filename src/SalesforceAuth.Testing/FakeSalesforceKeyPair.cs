using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Testing;

/// <summary>A throwaway RSA key and self-signed certificate; see <see cref="FakeSalesforceCertificates.CreateKeyPair"/>.</summary>
public sealed class FakeSalesforceKeyPair : IDisposable
{
    internal FakeSalesforceKeyPair(X509Certificate2 certificate, X509Certificate2 publicCertificate, string privateKeyPem, string certificatePem)
    {
        Certificate = certificate;
        PublicCertificate = publicCertificate;
        PrivateKeyPem = privateKeyPem;
        CertificatePem = certificatePem;
    }

    /// <summary>The certificate with its private key (what a client signs with).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate without its private key (what is uploaded to <see cref="FakeConnectedApp.Certificate"/>).</summary>
    public X509Certificate2 PublicCertificate { get; }

    /// <summary>The private key as PKCS#8 PEM (a PEM block labelled <c>PRIVATE KEY</c>).</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The certificate as PEM (<c>-----BEGIN CERTIFICATE-----</c>), the <c>.crt</c> one uploads.</summary>
    public string CertificatePem { get; }

    /// <summary>The private key.</summary>
    /// <returns>A new <see cref="RSA"/> the caller disposes.</returns>
    public RSA GetPrivateKey() => Certificate.GetRSAPrivateKey()!;

    /// <inheritdoc/>
    public void Dispose()
    {
        Certificate.Dispose();
        PublicCertificate.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Certificate.Subject;
}
