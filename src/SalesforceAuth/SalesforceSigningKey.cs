using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace SalesforceAuth;

/// <summary>
/// The RSA key that signs JWT and SAML bearer assertions, with the certificate uploaded to the connected app when
/// known. Load it from PEM (PKCS#1, PKCS#8, encrypted PKCS#8), PFX/PKCS#12, an <see cref="X509Certificate2"/>
/// (also from a certificate store), an <see cref="RSA"/> instance, or any IdentityModel
/// <see cref="SigningCredentials"/> (an HSM/KMS/Key Vault key through a custom <see cref="CryptoProviderFactory"/>).
/// Keys that are not RSA, shorter than 2048 bits, have no private part, or do not match the certificate are refused.
/// </summary>
public sealed class SalesforceSigningKey : IDisposable
{
    /// <summary>The smallest RSA key accepted.</summary>
    public const int MinimumKeySize = 2048;

    private readonly bool _ownsKey;
    private readonly bool _ownsCertificate;
    private readonly CryptoProviderFactory? _cryptoProviderFactory;
    private readonly SignatureProvider? _signatureProvider;

    private SalesforceSigningKey(SigningCredentials credentials, RSA? rsa, X509Certificate2? certificate, bool ownsKey, bool ownsCertificate = false)
    {
        Credentials = credentials;
        Rsa = rsa;
        Certificate = certificate;
        _ownsKey = ownsKey;
        _ownsCertificate = ownsCertificate;
        if (rsa is null)
        {
            // Only a caller-supplied signer goes through IdentityModel; an in-process RSA key signs directly, which
            // keeps the cold path at the cost of the RSA operation itself.
            _cryptoProviderFactory = credentials.CryptoProviderFactory ?? credentials.Key.CryptoProviderFactory ?? CryptoProviderFactory.Default;
            _signatureProvider = _cryptoProviderFactory.CreateForSigning(credentials.Key, credentials.Algorithm);
        }
    }

    /// <summary>The certificate matching the key, when known (required for SAML).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The SHA-1 thumbprint of <see cref="Certificate"/> as Salesforce shows it, when known.</summary>
    public string? CertificateThumbprint => Certificate?.Thumbprint;

    /// <summary>The key size in bits.</summary>
    public int KeySize => Credentials.Key.KeySize;

    /// <summary>The IdentityModel signing credentials (RS256).</summary>
    internal SigningCredentials Credentials { get; }

    /// <summary>The RSA key when it is in process; <see langword="null"/> for a caller-supplied signer.</summary>
    internal RSA? Rsa { get; }

    /// <summary>Loads a key from PEM text.</summary>
    /// <param name="privateKeyPem">PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>), PKCS#8 or encrypted PKCS#8 PEM.</param>
    /// <param name="password">The password of an encrypted PKCS#8 key.</param>
    /// <param name="certificatePem">The PEM certificate uploaded to the app, checked against the key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The PEM cannot be read or the key is unusable.</exception>
    public static SalesforceSigningKey FromPem(string privateKeyPem, string? password = null, string? certificatePem = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPem);
        return FromPem(privateKeyPem.AsSpan(), password, certificatePem);
    }

    private static SalesforceSigningKey FromPem(ReadOnlySpan<char> privateKeyPem, string? password, string? certificatePem)
    {
        var rsa = RSA.Create();
        try
        {
            if (privateKeyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(password))
                {
                    throw new SalesforceConfigurationException("PrivateKeyPassword", "The private key is an encrypted PKCS#8 key but no PrivateKeyPassword was given. Set PrivateKeyPassword (SF_PRIVATE_KEY_PASSWORD).");
                }

                rsa.ImportFromEncryptedPem(privateKeyPem, password);
            }
            else if (privateKeyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(privateKeyPem);
            }
            else
            {
                throw new SalesforceConfigurationException("PrivateKeyPem", "The private key PEM has no block labelled PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1) or ENCRYPTED PRIVATE KEY (encrypted PKCS#8). Give the RSA private key that matches the certificate uploaded to the connected app (not the certificate itself).");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new SalesforceConfigurationException("PrivateKeyPem", $"The private key PEM could not be read ({ex.GetType().Name}). Check it is an RSA key in PKCS#1 or PKCS#8 PEM{(password is null ? string.Empty : " and that PrivateKeyPassword is right")}.", ex);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        X509Certificate2? certificate = null;
        if (!string.IsNullOrEmpty(certificatePem))
        {
            try
            {
                certificate = X509Certificate2.CreateFromPem(certificatePem);
            }
            catch (CryptographicException ex)
            {
                rsa.Dispose();
                throw new SalesforceConfigurationException("CertificatePem", "The certificate PEM could not be read. Give the X.509 certificate (-----BEGIN CERTIFICATE-----) uploaded to the connected app.", ex);
            }
        }

        return Create(rsa, certificate, ownsKey: true);
    }

    /// <summary>Loads a key from a PEM file or a PFX/PKCS#12 file (by content).</summary>
    /// <param name="path">The key file.</param>
    /// <param name="password">The password of an encrypted PKCS#8 key or the PFX.</param>
    /// <param name="certificatePath">A PEM certificate file matching the key (ignored for PFX, which carries its own).</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The file is missing, unreadable or the key is unusable.</exception>
    public static SalesforceSigningKey FromFile(string path, string? password = null, string? certificatePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromKeyFileContent(ReadFile(path, "PrivateKeyPath"), password, certificatePath);
    }

    /// <summary>Loads a key from the content of a key file, then clears that content (it holds the private key).</summary>
    /// <param name="content">The file's bytes: PEM text or PFX (by the leading DER SEQUENCE byte). Zeroed on return.</param>
    /// <param name="password">The password of an encrypted PKCS#8 key or the PFX.</param>
    /// <param name="certificatePath">A PEM certificate file matching the key (ignored for PFX).</param>
    /// <returns>The key.</returns>
    internal static SalesforceSigningKey FromKeyFileContent(byte[] content, string? password, string? certificatePath)
    {
        char[]? text = null;
        try
        {
            if (content.Length > 0 && content[0] == 0x30)
            {
                return FromPfx(content, password);
            }

            var certificatePem = certificatePath is null ? null : System.Text.Encoding.UTF8.GetString(ReadFile(certificatePath, "CertificatePath"));

            // Decoded into an array (not a string) so that the key's text can be cleared too.
            text = System.Text.Encoding.UTF8.GetChars(content);
            if (text.Length == 0)
            {
                throw new SalesforceConfigurationException("PrivateKeyPath", "The private key file is empty. Give the RSA private key (PEM) or the PFX that matches the certificate uploaded to the connected app.");
            }

            return FromPem(text, password, certificatePem);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
            if (text is not null)
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan()));
            }
        }
    }

    /// <summary>Loads a key and certificate from PFX/PKCS#12 bytes.</summary>
    /// <param name="pfx">The PFX content.</param>
    /// <param name="password">The PFX password.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The PFX cannot be opened or has no usable RSA private key.</exception>
    public static SalesforceSigningKey FromPfx(byte[] pfx, string? password)
    {
        ArgumentNullException.ThrowIfNull(pfx);
        return FromPfx(pfx, password, LoadEphemeral);
    }

    /// <summary>Loads a key from PFX bytes with the given loader; the certificate loaded is owned (disposed with the key, or on failure).</summary>
    /// <param name="pfx">The PFX content.</param>
    /// <param name="password">The PFX password.</param>
    /// <param name="load">Opens the PFX (the platform's loader, replaced in tests).</param>
    /// <returns>The key.</returns>
    internal static SalesforceSigningKey FromPfx(byte[] pfx, string? password, Func<byte[], string?, X509Certificate2> load)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = load(pfx, password);
        }
        catch (CryptographicException ex)
        {
            throw new SalesforceConfigurationException("PrivateKeyPassword", "The PFX/PKCS#12 file could not be opened: the password (PrivateKeyPassword) is wrong or the file is damaged.", ex);
        }
        catch (PlatformNotSupportedException ex)
        {
            // EphemeralKeySet keeps the private key out of any key store on disk; where the platform cannot (macOS), the
            // key is not silently persisted instead.
            throw new SalesforceConfigurationException("PrivateKeyPath", "This platform cannot open a PFX/PKCS#12 file without writing its private key to a key store (EphemeralKeySet is not supported here). Convert it to PEM (openssl pkcs12 -in key.pfx -nodes -out key.pem) and set PrivateKeyPath to the PEM file.", ex);
        }

        try
        {
            return FromCertificate(certificate, ownsCertificate: true);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Uses a certificate that has its RSA private key.</summary>
    /// <param name="certificate">The certificate with private key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The certificate has no RSA private key or it is too short.</exception>
    public static SalesforceSigningKey FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromCertificate(certificate, ownsCertificate: false);
    }

    private static SalesforceSigningKey FromCertificate(X509Certificate2 certificate, bool ownsCertificate)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new SalesforceConfigurationException("CertificateThumbprint", $"The certificate {certificate.Thumbprint} has no private key. Use the PFX or the store entry that holds the private key, not the .crt uploaded to Salesforce.");
        }

        var rsa = certificate.GetRSAPrivateKey() ?? throw new SalesforceConfigurationException("PrivateKeyPath", $"The certificate {certificate.Thumbprint} does not have an RSA key. Salesforce only accepts RS256: create an RSA 2048 (or larger) key.");
        return Create(rsa, certificate, ownsKey: true, ownsCertificate);
    }

    /// <summary>Finds a certificate with private key by thumbprint in the <c>My</c> store.</summary>
    /// <param name="thumbprint">The SHA-1 thumbprint (spaces and case ignored).</param>
    /// <param name="location">The store location. Default <see cref="StoreLocation.CurrentUser"/>.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">No such certificate, or it has no usable private key.</exception>
    public static SalesforceSigningKey FromCertificateStore(string thumbprint, StoreLocation location = StoreLocation.CurrentUser)
    {
        ArgumentException.ThrowIfNullOrEmpty(thumbprint);
        var normalized = thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        using var store = new X509Store(StoreName.My, location);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, normalized, validOnly: false);
        if (found.Count == 0)
        {
            throw new SalesforceConfigurationException("CertificateThumbprint", $"No certificate with thumbprint {normalized} in the {location}/My store. Import the PFX there or fix CertificateThumbprint.");
        }

        return FromCertificate(found[0]);
    }

    /// <summary>Uses an RSA key in process.</summary>
    /// <param name="rsa">The RSA key with its private part. Not disposed by this object.</param>
    /// <param name="certificate">The certificate uploaded to the app, checked against the key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The key is too short, has no private part, or does not match.</exception>
    public static SalesforceSigningKey FromRsa(RSA rsa, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        return Create(rsa, certificate, ownsKey: false);
    }

    /// <summary>
    /// Uses caller-supplied IdentityModel signing credentials, for a key that never leaves its vault (HSM, KMS, Key
    /// Vault) through a custom <see cref="CryptoProviderFactory"/>. The algorithm must be RS256.
    /// </summary>
    /// <param name="credentials">The credentials.</param>
    /// <param name="certificate">The certificate uploaded to the app (required for SAML).</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The algorithm is not RS256.</exception>
    public static SalesforceSigningKey FromSigningCredentials(SigningCredentials credentials, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Algorithm is not (SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSha256Signature))
        {
            throw new SalesforceConfigurationException("SigningKey", $"The signing credentials use '{credentials.Algorithm}'. Salesforce only accepts RS256 ({SecurityAlgorithms.RsaSha256}).");
        }

        return new SalesforceSigningKey(credentials, rsa: null, certificate, ownsKey: false);
    }

    /// <summary>Warnings about the certificate (expired, or expiring within 30 days) at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>Human-readable warnings; empty when all is well.</returns>
    public IReadOnlyList<string> GetCertificateWarnings(DateTimeOffset now)
    {
        if (Certificate is null)
        {
            return [];
        }

        var notAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        if (now >= notAfter)
        {
            return [$"The certificate {Certificate.Thumbprint} expired on {notAfter:yyyy-MM-dd}. Salesforce may reject assertions signed with it: create a new key pair and upload the new certificate to the connected app."];
        }

        if (now < notBefore)
        {
            return [$"The certificate {Certificate.Thumbprint} is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC."];
        }

        return notAfter - now <= TimeSpan.FromDays(30)
            ? [$"The certificate {Certificate.Thumbprint} expires on {notAfter:yyyy-MM-dd} (in {(int)(notAfter - now).TotalDays} days): upload a new certificate to the connected app before then."]
            : [];
    }

    /// <summary>Signs <paramref name="data"/> with RSASSA-PKCS1-v1_5 SHA-256.</summary>
    /// <param name="data">The signing input.</param>
    /// <returns>The signature.</returns>
    internal byte[] Sign(byte[] data)
    {
        if (Rsa is not null)
        {
            return Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return _signatureProvider!.Sign(data);
    }

    /// <summary>Signs into <paramref name="destination"/> without allocating, when the key is in process.</summary>
    /// <param name="data">The signing input.</param>
    /// <param name="destination">The buffer for the signature (at least <see cref="KeySize"/>/8 bytes).</param>
    /// <param name="written">The signature length.</param>
    /// <returns><see langword="false"/> when the key is not in process or the buffer is too small.</returns>
    internal bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        written = 0;
        return Rsa is not null && Rsa.TrySignData(data, destination, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out written);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_signatureProvider is not null)
        {
            _cryptoProviderFactory!.ReleaseSignatureProvider(_signatureProvider);
        }

        if (_ownsKey)
        {
            Rsa?.Dispose();
        }

        if (_ownsCertificate)
        {
            Certificate?.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"SalesforceSigningKey {{ RSA {KeySize} bits, Certificate = {CertificateThumbprint ?? "(none)"}, PrivateKey = [redacted] }}";

    private static SalesforceSigningKey Create(RSA rsa, X509Certificate2? certificate, bool ownsKey, bool ownsCertificate = false)
    {
        try
        {
            if (rsa.KeySize < MinimumKeySize)
            {
                throw new SalesforceConfigurationException("PrivateKeyPath", $"The RSA key is {rsa.KeySize} bits. Salesforce requires RSA {MinimumKeySize} or larger: create a new key (openssl req -x509 -newkey rsa:2048 ...) and upload its certificate.");
            }

            RSAParameters publicPart;
            try
            {
                // A public-only key fails here, with a clearer message than the first token request would give.
                Span<byte> probe = stackalloc byte[rsa.KeySize / 8];
                if (!rsa.TrySignData("probe"u8, probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _))
                {
                    throw new CryptographicException("The key could not sign.");
                }

                publicPart = rsa.ExportParameters(includePrivateParameters: false);
            }
            catch (CryptographicException ex)
            {
                throw new SalesforceConfigurationException("PrivateKeyPath", "The RSA key has no private part: give the private key (not the public key or the certificate uploaded to Salesforce).", ex);
            }

            if (certificate is not null)
            {
                using var certificateKey = certificate.GetRSAPublicKey();
                if (certificateKey is null)
                {
                    throw new SalesforceConfigurationException("CertificatePath", $"The certificate {certificate.Thumbprint} does not hold an RSA public key. Salesforce only accepts RSA.");
                }

                var certificatePublic = certificateKey.ExportParameters(includePrivateParameters: false);
                if (!CryptographicOperations.FixedTimeEquals(certificatePublic.Modulus, publicPart.Modulus) ||
                    !CryptographicOperations.FixedTimeEquals(certificatePublic.Exponent, publicPart.Exponent))
                {
                    throw new SalesforceConfigurationException("CertificatePath", $"The private key does not match the certificate {certificate.Thumbprint}. Salesforce verifies assertions with the certificate uploaded to the connected app, so this pair would fail with 'invalid assertion': use the key the certificate was made from, or upload a certificate made from this key.");
                }
            }

            var securityKey = certificate is null ? (SecurityKey)new RsaSecurityKey(rsa) : new X509SecurityKey(certificate, certificate.Thumbprint);
            if (securityKey is X509SecurityKey && !certificate!.HasPrivateKey)
            {
                securityKey = new RsaSecurityKey(rsa);
            }

            return new SalesforceSigningKey(new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256), rsa, certificate, ownsKey, ownsCertificate);
        }
        catch
        {
            if (ownsKey)
            {
                rsa.Dispose();
            }

            throw;
        }
    }

    private static X509Certificate2 LoadEphemeral(byte[] pfx, string? password) =>
#if NET9_0_OR_GREATER
        X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
#else
        new(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
#endif

    private static byte[] ReadFile(string path, string setting)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SalesforceConfigurationException(setting, $"{setting} '{path}' cannot be read ({ex.GetType().Name}): check the path and the file's permissions.", ex);
        }
    }
}
