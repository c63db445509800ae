using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Testing.Internal;

/// <summary>
/// The emulator's own certificate authority, made at start and held only in memory: a root and one server certificate
/// for every host the emulator serves (each host is a port on <c>127.0.0.1</c>, so one certificate covers them all).
/// Clients trust the root alone (<see cref="CreateChainPolicy"/>), never the machine's store, and a root of another
/// emulator instance never validates this one's server.
/// </summary>
internal sealed class TlsAuthority : IDisposable
{
    // Short-lived on purpose: nothing should keep trusting a test run's root. The hour before now absorbs small clock
    // differences between the machine and anything validating against it.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);
    private static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    private TlsAuthority(X509Certificate2 root, X509Certificate2 serverCertificate)
    {
        Root = root;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The root certificate, public part only.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Creates a root and a server certificate for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c>.</summary>
    /// <remarks>Dated by the real clock, not the emulator's: TLS clients check validity against their machine's clock,
    /// and tests move the emulator's clock freely.</remarks>
    public static TlsAuthority Create()
    {
        var now = TimeProvider.System.GetUtcNow();
        var notBefore = now - Backdate;
        var notAfter = now + Validity;
        var instance = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));

        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN=FakeSalesforce test root {instance}", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var rootKeyId = new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false);
        rootRequest.CertificateExtensions.Add(rootKeyId);
        using var rootWithKey = rootRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN=FakeSalesforce {instance}", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(rootKeyId));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build(critical: true));
        using var issued = serverRequest.Create(rootWithKey, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var serverWithKey = issued.CopyWithPrivateKey(serverKey);

        // A PKCS#12 round trip turns the ephemeral key into one every platform's TLS stack can use (Windows' cannot
        // use an ephemeral key for a server). The export is in memory and unprotected, like the key it carries.
        var pfx = serverWithKey.Export(X509ContentType.Pkcs12);
        return new TlsAuthority(LoadPublic(rootWithKey.RawData), LoadPkcs12(pfx));
    }

    /// <summary>A chain policy that trusts <see cref="Root"/> only: no machine store, no revocation lookups (the
    /// certificates name no revocation endpoint, and the root lives as long as the emulator).</summary>
    public X509ChainPolicy CreateChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(Root);
        return policy;
    }

    /// <summary>A handler for the emulator's hosts that trusts <see cref="Root"/> only.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = CreateChainPolicy() },
    };

    /// <summary>
    /// Makes the handler that talks to the network under <paramref name="handler"/> trust <see cref="Root"/> only, keeping
    /// every other setting (redirects, pooling) of whoever built it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler is neither a <see cref="SocketsHttpHandler"/> nor an
    /// <see cref="HttpClientHandler"/>, so its trust cannot be set.</exception>
    public void Trust(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.SslOptions.CertificateChainPolicy = CreateChainPolicy();
                break;
            case HttpClientHandler client:
                var policy = CreateChainPolicy();
                client.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => IsTrusted(policy, certificate, errors);
                break;
            default:
                throw new InvalidOperationException(
                    $"Cannot make a primary handler of type {handler?.GetType().FullName ?? "null"} trust FakeSalesforce's certificate authority: use a SocketsHttpHandler or an HttpClientHandler, or FakeSalesforce.CreateHttpMessageHandler().");
        }
    }

    public void Dispose()
    {
        Root.Dispose();
        ServerCertificate.Dispose();
    }

    /// <summary>The check <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/> makes, for a handler that
    /// only offers a callback: the host name must match, and the chain must end at the root under <paramref name="policy"/>.</summary>
    private static bool IsTrusted(X509ChainPolicy policy, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        return chain.Build(certificate);
    }

#if NET9_0_OR_GREATER
    private static X509Certificate2 LoadPublic(byte[] data) => X509CertificateLoader.LoadCertificate(data);

    private static X509Certificate2 LoadPkcs12(byte[] data) => X509CertificateLoader.LoadPkcs12(data, password: null);
#else
    private static X509Certificate2 LoadPublic(byte[] data) => new(data);

    private static X509Certificate2 LoadPkcs12(byte[] data) => new(data, (string?)null);
#endif
}
