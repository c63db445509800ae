using Microsoft.Extensions.Configuration;

namespace SalesforceAuth.Internal;

/// <summary>
/// What <c>Salesforce:Clients:&lt;name&gt;</c> may set on <see cref="SalesforceClientOptions"/>, bound by the
/// configuration binder's source generator (no reflection, so trimmed and Native AOT apps bind the same settings).
/// The generator cannot bind <see cref="SalesforceClientOptions"/> itself: it would walk into
/// <see cref="SalesforceClientOptions.SigningKey"/> (a key object set in code, never configuration) and generate code
/// for the properties of RSA and X509Certificate2. Every property is nullable so that a setting left out of
/// configuration keeps the value set in code or the default, as reflection binding did.
/// </summary>
internal sealed class SalesforceClientSettings
{
    public Uri? LoginUrl { get; set; }

    /// <summary>Read as text: the binder's enum parsing knows only member names, not <c>jwt</c> or <c>client-credentials</c>.</summary>
    public string? Flow { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public bool? UseBasicAuthentication { get; set; }

    public string? Username { get; set; }

    public string? Audience { get; set; }

    public bool? UseMyDomainAsAudience { get; set; }

    public string? PrivateKeyPath { get; set; }

    public string? PrivateKeyPem { get; set; }

    public string? PrivateKeyPassword { get; set; }

    public string? CertificatePath { get; set; }

    public string? CertificatePem { get; set; }

    public string? CertificateThumbprint { get; set; }

    public TimeSpan? AssertionLifetime { get; set; }

    public bool? ClockSkewCompensation { get; set; }

    public string? SamlNameIdFormat { get; set; }

    public string? RefreshToken { get; set; }

    public string? SubjectToken { get; set; }

    public string? SubjectTokenType { get; set; }

    public string? ActorToken { get; set; }

    public string? ActorTokenType { get; set; }

    public string? TokenExchangeHandler { get; set; }

    public string? Scope { get; set; }

    public bool? AllowInsecureLoopback { get; set; }

    /// <summary>Added to the defaults (and to domains added in code), as binding a list property always did.</summary>
    public IList<string> TrustedDomains { get; } = [];

    public TimeSpan? SessionLifetime { get; set; }

    public bool? UseIntrospection { get; set; }

    public double? ApiUsageWarningThreshold { get; set; }

    public TimeSpan? AttemptTimeout { get; set; }

    public TimeSpan? TotalTimeout { get; set; }

    public int? MaxRetries { get; set; }

    public TimeSpan? RetryBaseDelay { get; set; }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>, leaving what it does not set as it was.</summary>
    /// <param name="section">The connection's section, for example <c>Salesforce:Clients:crm</c>.</param>
    /// <param name="options">The options to update.</param>
    /// <exception cref="SalesforceConfigurationException">The flow is not a flow name.</exception>
    public static void Bind(IConfigurationSection section, SalesforceClientOptions options)
    {
        var settings = new SalesforceClientSettings();
        section.Bind(settings);

        if (!string.IsNullOrEmpty(settings.Flow))
        {
            if (!SalesforceFlowNames.TryParse(settings.Flow, out var flow))
            {
                // The binder's own error would name neither the valid values nor, in its first line, the key.
                var setting = $"{section.Path}:{nameof(SalesforceClientOptions.Flow)}";
                throw new SalesforceConfigurationException(setting, $"{setting}: {SalesforceFlowNames.GetProblem(settings.Flow)}");
            }

            options.Flow = flow;
        }

        options.LoginUrl = settings.LoginUrl ?? options.LoginUrl;
        options.ClientId = settings.ClientId ?? options.ClientId;
        options.ClientSecret = settings.ClientSecret ?? options.ClientSecret;
        options.UseBasicAuthentication = settings.UseBasicAuthentication ?? options.UseBasicAuthentication;
        options.Username = settings.Username ?? options.Username;
        options.Audience = settings.Audience ?? options.Audience;
        options.UseMyDomainAsAudience = settings.UseMyDomainAsAudience ?? options.UseMyDomainAsAudience;
        options.PrivateKeyPath = settings.PrivateKeyPath ?? options.PrivateKeyPath;
        options.PrivateKeyPem = settings.PrivateKeyPem ?? options.PrivateKeyPem;
        options.PrivateKeyPassword = settings.PrivateKeyPassword ?? options.PrivateKeyPassword;
        options.CertificatePath = settings.CertificatePath ?? options.CertificatePath;
        options.CertificatePem = settings.CertificatePem ?? options.CertificatePem;
        options.CertificateThumbprint = settings.CertificateThumbprint ?? options.CertificateThumbprint;
        options.AssertionLifetime = settings.AssertionLifetime ?? options.AssertionLifetime;
        options.ClockSkewCompensation = settings.ClockSkewCompensation ?? options.ClockSkewCompensation;
        options.SamlNameIdFormat = settings.SamlNameIdFormat ?? options.SamlNameIdFormat;
        options.RefreshToken = settings.RefreshToken ?? options.RefreshToken;
        options.SubjectToken = settings.SubjectToken ?? options.SubjectToken;
        options.SubjectTokenType = settings.SubjectTokenType ?? options.SubjectTokenType;
        options.ActorToken = settings.ActorToken ?? options.ActorToken;
        options.ActorTokenType = settings.ActorTokenType ?? options.ActorTokenType;
        options.TokenExchangeHandler = settings.TokenExchangeHandler ?? options.TokenExchangeHandler;
        options.Scope = settings.Scope ?? options.Scope;
        options.AllowInsecureLoopback = settings.AllowInsecureLoopback ?? options.AllowInsecureLoopback;
        options.SessionLifetime = settings.SessionLifetime ?? options.SessionLifetime;
        options.UseIntrospection = settings.UseIntrospection ?? options.UseIntrospection;
        options.ApiUsageWarningThreshold = settings.ApiUsageWarningThreshold ?? options.ApiUsageWarningThreshold;
        options.AttemptTimeout = settings.AttemptTimeout ?? options.AttemptTimeout;
        options.TotalTimeout = settings.TotalTimeout ?? options.TotalTimeout;
        options.MaxRetries = settings.MaxRetries ?? options.MaxRetries;
        options.RetryBaseDelay = settings.RetryBaseDelay ?? options.RetryBaseDelay;
        foreach (var domain in settings.TrustedDomains)
        {
            options.TrustedDomains.Add(domain);
        }
    }
}
