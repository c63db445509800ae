using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Assertions;

/// <summary>
/// Loads the signing key named by the settings. Precedence: <see cref="SalesforceClientOptions.SigningKey"/> (code) &gt;
/// <see cref="SalesforceClientOptions.PrivateKeyPath"/> (PEM or PFX, by content, with
/// <see cref="SalesforceClientOptions.CertificatePath"/>) &gt; <see cref="SalesforceClientOptions.PrivateKeyPem"/>
/// (with <see cref="SalesforceClientOptions.CertificatePem"/>) &gt; <see cref="SalesforceClientOptions.CertificateThumbprint"/>
/// (current user's, then local machine's <c>My</c> store).
/// </summary>
internal static class SigningKeyResolver
{
    /// <summary>Loads the key and logs certificate warnings (expired or expiring within 30 days).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock for the certificate check.</param>
    /// <param name="logger">Where warnings go.</param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">No key source is set, or the key is unusable.</exception>
    public static SalesforceSigningKey Resolve(SalesforceClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var key = Load(options);
        foreach (var warning in key.GetCertificateWarnings(timeProvider.GetUtcNow()))
        {
            Log.CertificateWarning(logger, warning);
        }

        return key;
    }

    /// <summary>
    /// Loads the key named by the settings and releases it again, so a missing file, an unreadable PEM or a key that
    /// does not match its certificate fails at startup instead of at the first request.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="SalesforceConfigurationException">The key is unusable; names the setting.</exception>
    public static void Check(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SigningKey is null)
        {
            Load(options).Dispose();
        }
    }

    private static SalesforceSigningKey Load(SalesforceClientOptions options)
    {
        if (options.SigningKey is not null)
        {
            return options.SigningKey;
        }

        if (!string.IsNullOrWhiteSpace(options.PrivateKeyPath))
        {
            if (options.CertificatePath is null && !string.IsNullOrWhiteSpace(options.CertificatePem) && !LooksLikePfx(options.PrivateKeyPath))
            {
                string pem;
                try
                {
                    pem = File.ReadAllText(options.PrivateKeyPath);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new SalesforceConfigurationException(nameof(options.PrivateKeyPath), $"PrivateKeyPath '{options.PrivateKeyPath}' cannot be read ({ex.GetType().Name}): check the path and the file's permissions.", ex);
                }

                return SalesforceSigningKey.FromPem(pem, options.PrivateKeyPassword, options.CertificatePem);
            }

            return SalesforceSigningKey.FromFile(options.PrivateKeyPath, options.PrivateKeyPassword, options.CertificatePath);
        }

        if (!string.IsNullOrWhiteSpace(options.PrivateKeyPem))
        {
            var certificatePem = options.CertificatePem;
            if (certificatePem is null && !string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                try
                {
                    certificatePem = File.ReadAllText(options.CertificatePath);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new SalesforceConfigurationException(nameof(options.CertificatePath), $"CertificatePath '{options.CertificatePath}' cannot be read ({ex.GetType().Name}): check the path and the file's permissions.", ex);
                }
            }

            return SalesforceSigningKey.FromPem(options.PrivateKeyPem, options.PrivateKeyPassword, certificatePem);
        }

        if (!string.IsNullOrWhiteSpace(options.CertificateThumbprint))
        {
            return FromStores(options.CertificateThumbprint);
        }

        throw new SalesforceConfigurationException(
            nameof(options.PrivateKeyPath),
            "No signing key is configured. Set one of SigningKey (in code), PrivateKeyPath (for example \"/run/secrets/salesforce.key\" or a .pfx), PrivateKeyPem, or CertificateThumbprint.");
    }

    private static SalesforceSigningKey FromStores(string thumbprint)
    {
        SalesforceConfigurationException? notFound = null;
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            try
            {
                return SalesforceSigningKey.FromCertificateStore(thumbprint, location);
            }
            catch (SalesforceConfigurationException ex) when (ex.Message.StartsWith("No certificate", StringComparison.Ordinal))
            {
                notFound ??= ex;
            }
            catch (CryptographicException)
            {
                // The store does not exist on this machine (common for LocalMachine/My on Linux): try the next one.
            }
        }

        throw notFound ?? new SalesforceConfigurationException(
            nameof(SalesforceClientOptions.CertificateThumbprint),
            $"No certificate with thumbprint {thumbprint} was found in the CurrentUser/My or LocalMachine/My store. Import the PFX there or fix CertificateThumbprint.");
    }

    private static bool LooksLikePfx(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
}
