using Microsoft.Extensions.Options;
using SalesforceAuth.Assertions;

namespace SalesforceAuth.Internal;

/// <summary>
/// Cross-field validation of <see cref="SalesforceClientOptions"/>. Every message names the setting and shows a right
/// value. Used by <c>ValidateOnStart</c> through dependency injection and by the <see cref="SalesforceTokenClient"/>
/// constructor, which throws <see cref="SalesforceConfigurationException"/> for the first failure.
/// </summary>
internal sealed class SalesforceClientOptionsValidator : IValidateOptions<SalesforceClientOptions>
{
    /// <summary>The shortest assertion lifetime accepted.</summary>
    public static readonly TimeSpan MinimumAssertionLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The longest assertion lifetime accepted.</summary>
    public static readonly TimeSpan MaximumAssertionLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most retries accepted.</summary>
    public const int MaximumRetries = 10;

    /// <summary>
    /// Validates a connection's settings, then loads its signing key (bearer flows), so a missing key file, a garbage
    /// PEM or a key that does not match its certificate fails here, at startup, not at the first request.
    /// </summary>
    /// <remarks>
    /// Throws <see cref="SalesforceConfigurationException"/> rather than returning a failure: bad configuration is
    /// one exception type however it is found (here, in the <see cref="SalesforceTokenClient"/> constructor, or while
    /// binding <c>Flow</c>). <c>ValidateOnStart</c> lets any exception but <see cref="OptionsValidationException"/>
    /// through unchanged, so <c>host.StartAsync()</c> throws it.
    /// </remarks>
    /// <param name="name">The connection name.</param>
    /// <param name="options">The settings.</param>
    /// <returns><see cref="ValidateOptionsResult.Success"/>.</returns>
    /// <exception cref="SalesforceConfigurationException">The settings are invalid; every message names its configuration key.</exception>
    public ValidateOptionsResult Validate(string? name, SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Name the configuration key, so the fix is obvious in appsettings, user secrets or environment variables.
        var prefix = string.IsNullOrEmpty(name) ? "Salesforce:Clients" : $"Salesforce:Clients:{name}";
        Check(name, prefix + ":", options, options.HasRefreshTokenStore);
        return ValidateOptionsResult.Success;
    }

    /// <summary>
    /// Validates the settings of a connection resolved at run time, as <see cref="Validate"/> does those configured at
    /// startup (the same rules, and the signing key loaded once); the message names the connection id and the setting.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="options">The settings.</param>
    /// <param name="hasRefreshTokenStore">Whether the resolver supplied a refresh token store.</param>
    /// <exception cref="SalesforceConfigurationException">The settings are invalid; <see cref="SalesforceConfigurationException.Setting"/> is the property.</exception>
    public static void ValidateResolved(string connectionId, SalesforceClientOptions options, bool hasRefreshTokenStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(connectionId, string.Empty, options, hasRefreshTokenStore);
    }

    private static void Check(string? name, string prefix, SalesforceClientOptions options, bool hasRefreshTokenStore)
    {
        var failures = GetFailures(options, hasRefreshTokenStore);
        if (failures.Count > 0)
        {
            throw new SalesforceConfigurationException(
                $"{prefix}{failures[0].Setting}",
                $"The Salesforce connection '{name}' is not configured correctly: " + string.Join(" ", failures.Select(f => $"{prefix}{f.Setting}: {f.Message}")));
        }

        if (options.Flow is SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer)
        {
            try
            {
                SigningKeyResolver.Check(options);
            }
            catch (SalesforceConfigurationException ex)
            {
                // The PEM readers name PrivateKeyPem/CertificatePem; when the PEM came from a file, the file's setting is the one to fix.
                var key = ex.Setting switch
                {
                    null => nameof(options.PrivateKeyPath),
                    nameof(options.PrivateKeyPem) when !string.IsNullOrWhiteSpace(options.PrivateKeyPath) => nameof(options.PrivateKeyPath),
                    nameof(options.CertificatePem) when !string.IsNullOrWhiteSpace(options.CertificatePath) => nameof(options.CertificatePath),
                    _ => ex.Setting,
                };
                var setting = $"{prefix}{key}";
                throw new SalesforceConfigurationException(setting, $"The Salesforce connection '{name}' cannot load its signing key: {setting}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Throws for the first failure.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="hasRefreshTokenStore">Whether a refresh token store supplies the refresh token.</param>
    /// <exception cref="SalesforceConfigurationException">The settings are invalid; names the setting.</exception>
    public static void ThrowIfInvalid(SalesforceClientOptions options, bool hasRefreshTokenStore = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = GetFailures(options, hasRefreshTokenStore);
        if (failures.Count > 0)
        {
            var message = failures.Count == 1
                ? failures[0].Message
                : string.Join(" ", failures.Select(f => f.Message));
            throw new SalesforceConfigurationException(failures[0].Setting, message);
        }
    }

    /// <summary>All failures, each with the setting at fault.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="hasRefreshTokenStore">Whether a refresh token store supplies the refresh token.</param>
    /// <returns>The failures; empty when valid.</returns>
    public static IReadOnlyList<(string Setting, string Message)> GetFailures(SalesforceClientOptions options, bool hasRefreshTokenStore = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<(string Setting, string Message)>();
        void Fail(string setting, string message) => failures.Add((setting, message));

        var flow = options.Flow;
        var login = options.LoginUrl;
        if (login is null || !login.IsAbsoluteUri)
        {
            Fail(nameof(options.LoginUrl), "LoginUrl must be an absolute https URL such as \"https://login.salesforce.com\", \"https://test.salesforce.com\" or \"https://acme.my.salesforce.com\".");
        }
        else if (!string.IsNullOrEmpty(login.UserInfo) || !string.IsNullOrEmpty(login.Query) || !string.IsNullOrEmpty(login.Fragment))
        {
            Fail(nameof(options.LoginUrl), $"LoginUrl must be a plain base URL without user info, query or fragment, such as \"https://{login.Host}\".");
        }
        else if (SalesforceLoginHost.GetLoginUrlProblem(login) is { } loginProblem)
        {
            Fail(nameof(options.LoginUrl), loginProblem);
        }
        else if (login.Scheme != Uri.UriSchemeHttps)
        {
            var loopback = SalesforceLoginHost.IsLoopback(login);
            if (login.Scheme != Uri.UriSchemeHttp || !loopback)
            {
                Fail(nameof(options.LoginUrl), $"LoginUrl must use https (Salesforce answers 'HTTPS required'), for example \"https://{login.Host}\". Plain http is only allowed on a loopback host with AllowInsecureLoopback = true.");
            }
            else if (!options.AllowInsecureLoopback)
            {
                Fail(nameof(options.AllowInsecureLoopback), $"LoginUrl \"{login}\" uses http on a loopback host: set AllowInsecureLoopback = true for an emulator or tests, or use https.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            Fail(nameof(options.ClientId), "ClientId is required: the consumer key of the connected app or External Client App (for example \"3MVG9...\").");
        }

        var bearer = flow is SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer;
        if (bearer)
        {
            if (string.IsNullOrWhiteSpace(options.Username))
            {
                Fail(nameof(options.Username), $"Username is required for the {flow} flow: the Salesforce username to act as, for example \"integration@acme.com\" (sandbox usernames carry the sandbox suffix, \"integration@acme.com.uat\").");
            }
            else if (SalesforceUsername.GetProblem(options.Username) is { } usernameProblem)
            {
                Fail(nameof(options.Username), "Username " + usernameProblem);
            }

            var hasKey = options.SigningKey is not null
                || !string.IsNullOrWhiteSpace(options.PrivateKeyPath)
                || !string.IsNullOrWhiteSpace(options.PrivateKeyPem)
                || !string.IsNullOrWhiteSpace(options.CertificateThumbprint);
            if (!hasKey)
            {
                Fail(nameof(options.PrivateKeyPath), $"A signing key is required for the {flow} flow: set PrivateKeyPath (for example \"/run/secrets/salesforce.key\" or a .pfx), PrivateKeyPem, CertificateThumbprint, or SigningKey in code.");
            }

            if (options.AssertionLifetime < MinimumAssertionLifetime || options.AssertionLifetime > MaximumAssertionLifetime)
            {
                Fail(nameof(options.AssertionLifetime), $"AssertionLifetime is {options.AssertionLifetime}; it must be between 00:00:30 and 00:10:00 (default 00:03:00). Very short lifetimes are a classic cause of 'expired authorization code'.");
            }

            if (!string.IsNullOrWhiteSpace(options.Audience) && SalesforceAudience.GetProblem(options.Audience) is { } audienceProblem)
            {
                Fail(nameof(options.Audience), audienceProblem);
            }
        }

        if (flow == SalesforceFlow.SamlBearer)
        {
            var hasCertificate = options.SigningKey?.Certificate is not null
                || !string.IsNullOrWhiteSpace(options.CertificatePath)
                || !string.IsNullOrWhiteSpace(options.CertificatePem)
                || !string.IsNullOrWhiteSpace(options.CertificateThumbprint)
                || (options.PrivateKeyPath is { } path && (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)));
            if (options.SigningKey is null && !hasCertificate)
            {
                Fail(nameof(options.CertificatePath), "The SamlBearer flow needs the certificate uploaded to the app (it goes into the signature's KeyInfo): set CertificatePath (for example \"/run/secrets/salesforce.crt\"), CertificatePem, CertificateThumbprint, or a .pfx PrivateKeyPath.");
            }
            else if (options.SigningKey is not null && options.SigningKey.Certificate is null)
            {
                Fail(nameof(options.SigningKey), "The SamlBearer flow needs a SigningKey created with its certificate (for example SalesforceSigningKey.FromPem(key, certificatePem: cert)).");
            }
        }

        if (flow == SalesforceFlow.ClientCredentials)
        {
            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                Fail(nameof(options.ClientSecret), "ClientSecret is required for the ClientCredentials flow: the consumer secret of the app.");
            }

            if (login is { IsAbsoluteUri: true } && (string.Equals(login.Host, "login.salesforce.com", StringComparison.OrdinalIgnoreCase) || string.Equals(login.Host, "test.salesforce.com", StringComparison.OrdinalIgnoreCase)))
            {
                Fail(nameof(options.LoginUrl), $"The ClientCredentials flow does not work on {login.Host} (Salesforce answers 'request not supported on this domain'): use your My Domain, LoginUrl = \"https://<name>.my.salesforce.com\".");
            }
        }

        if (flow == SalesforceFlow.RefreshToken && string.IsNullOrWhiteSpace(options.RefreshToken) && !hasRefreshTokenStore && !options.HasRefreshTokenStore)
        {
            Fail(nameof(options.RefreshToken), "RefreshToken is required for the RefreshToken flow: the stored refresh token (keep it in a secret store), unless an ISalesforceRefreshTokenStore supplies it (AddRefreshTokenStore).");
        }

        if (flow == SalesforceFlow.TokenExchange)
        {
            if (string.IsNullOrWhiteSpace(options.SubjectToken))
            {
                Fail(nameof(options.SubjectToken), "SubjectToken is required for the TokenExchange flow: the token from the external identity provider.");
            }

            if (string.IsNullOrWhiteSpace(options.SubjectTokenType))
            {
                Fail(nameof(options.SubjectTokenType), "SubjectTokenType is required for the TokenExchange flow, for example \"urn:ietf:params:oauth:token-type:jwt\" or \"urn:ietf:params:oauth:token-type:access_token\".");
            }
        }

        if (options.MaxRetries is < 0 or > MaximumRetries)
        {
            Fail(nameof(options.MaxRetries), $"MaxRetries is {options.MaxRetries}; it must be between 0 and {MaximumRetries} (default 3).");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(options.AttemptTimeout), $"AttemptTimeout is {options.AttemptTimeout}; it must be positive (default 00:00:30).");
        }

        if (options.TotalTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(options.TotalTimeout), $"TotalTimeout is {options.TotalTimeout}; it must be positive (default 00:01:00).");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            Fail(nameof(options.RetryBaseDelay), $"RetryBaseDelay is {options.RetryBaseDelay}; it must be between 00:00:00 and 00:01:00 (default 00:00:00.500).");
        }

        if (!(options.ApiUsageWarningThreshold is > 0 and <= 1))
        {
            Fail(nameof(options.ApiUsageWarningThreshold), $"ApiUsageWarningThreshold is {options.ApiUsageWarningThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be a share of the daily API limit greater than 0 and at most 1, for example 0.8 (the default: warn at 80%).");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromHours(24))
        {
            Fail(nameof(options.SessionLifetime), $"SessionLifetime is {options.SessionLifetime}; it must be between 00:01:00 and 24:00:00, a little under the session timeout of the app, profile or org (default 01:50:00).");
        }

        foreach (var entry in options.TrustedDomains)
        {
            if (SalesforceLoginHost.GetTrustedDomainProblem(entry) is { } domainProblem)
            {
                Fail(nameof(options.TrustedDomains), $"TrustedDomains entries must be domain suffixes such as \"salesforce.com\" or \"acme.com\": {domainProblem}.");
            }
        }

        return failures;
    }
}
