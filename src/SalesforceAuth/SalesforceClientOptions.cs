namespace SalesforceAuth;

/// <summary>
/// Settings of one Salesforce connection (one org, app and principal). Bind from configuration
/// (<c>Salesforce:Clients:&lt;name&gt;</c>) or set in code; validated at startup.
/// </summary>
public sealed class SalesforceClientOptions
{
    /// <summary>The default login URL for production and Developer Edition orgs.</summary>
    public static readonly Uri ProductionLoginUrl = new("https://login.salesforce.com");

    /// <summary>The login URL for sandboxes through the shared login service.</summary>
    public static readonly Uri SandboxLoginUrl = new("https://test.salesforce.com");

    /// <summary>
    /// The authorization server: <c>https://login.salesforce.com</c>, <c>https://test.salesforce.com</c>, a My Domain
    /// (<c>https://acme.my.salesforce.com</c>) or an Experience Cloud site URL. The token endpoint is
    /// <c>{LoginUrl}/services/oauth2/token</c>. Client credentials require a My Domain.
    /// </summary>
    public Uri LoginUrl { get; set; } = ProductionLoginUrl;

    /// <summary>The flow used to obtain tokens. Default <see cref="SalesforceFlow.JwtBearer"/>.</summary>
    public SalesforceFlow Flow { get; set; } = SalesforceFlow.JwtBearer;

    /// <summary>The connected app's (or External Client App's) consumer key. Not a secret.</summary>
    public string? ClientId { get; set; }

    /// <summary>The consumer secret (client credentials, refresh, introspection; enables <c>signature</c> verification). A secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Send the client secret with HTTP Basic instead of in the body. Default <see langword="false"/>.</summary>
    public bool UseBasicAuthentication { get; set; }

    /// <summary>The Salesforce username to act as (JWT <c>sub</c>, SAML <c>NameID</c>). Sandbox usernames carry the sandbox suffix.</summary>
    public string? Username { get; set; }

    /// <summary>
    /// The assertion audience. When unset it is derived from <see cref="LoginUrl"/>: <c>https://test.salesforce.com</c>
    /// for test.salesforce.com and sandbox My Domains, the site URL for Experience Cloud sites, otherwise
    /// <c>https://login.salesforce.com</c>. One string, never an array; a trailing slash is removed.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>Use the My Domain URL of <see cref="LoginUrl"/> as the audience (recommended for External Client Apps).</summary>
    public bool UseMyDomainAsAudience { get; set; }

    /// <summary>A PEM file with the RSA private key (PKCS#1, PKCS#8 or encrypted PKCS#8), or a PFX/PKCS#12 file.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The PEM text of the private key (for example from a secret store). A secret.</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>The password of an encrypted PKCS#8 key or a PFX file. A secret.</summary>
    public string? PrivateKeyPassword { get; set; }

    /// <summary>A PEM certificate file matching the key (required for SAML <c>KeyInfo</c>; checked against the key).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM text of the certificate.</summary>
    public string? CertificatePem { get; set; }

    /// <summary>The thumbprint of a certificate with its private key in the current user's or machine's <c>My</c> store.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>A signing key set in code; wins over the path, PEM and thumbprint settings.</summary>
    public SalesforceSigningKey? SigningKey { get; set; }

    /// <summary>The assertion validity. Default 3 minutes; 30 seconds to 10 minutes allowed.</summary>
    public TimeSpan AssertionLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Correct assertion times by the offset measured from the token endpoint's <c>Date</c> header, so a skewed local
    /// clock does not cause <c>expired authorization code</c>. Default <see langword="true"/>.
    /// </summary>
    public bool ClockSkewCompensation { get; set; } = true;

    /// <summary>The SAML <c>NameID</c> format. Default <c>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</c>.</summary>
    public string SamlNameIdFormat { get; set; } = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

    /// <summary>A stored refresh token (refresh flow). A secret.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>Set by <c>AddRefreshTokenStore</c>: the refresh token comes from the store, so <see cref="RefreshToken"/> is optional.</summary>
    internal bool HasRefreshTokenStore { get; set; }

    /// <summary>Token exchange: the token from the external identity provider. A secret.</summary>
    public string? SubjectToken { get; set; }

    /// <summary>Token exchange: the subject token type URN, for example <c>urn:ietf:params:oauth:token-type:jwt</c>.</summary>
    public string? SubjectTokenType { get; set; }

    /// <summary>Token exchange: an optional actor token. A secret.</summary>
    public string? ActorToken { get; set; }

    /// <summary>Token exchange: the actor token type URN.</summary>
    public string? ActorTokenType { get; set; }

    /// <summary>Token exchange: the Apex token handler to use (<c>token_handler</c>); the app's default when unset.</summary>
    public string? TokenExchangeHandler { get; set; }

    /// <summary>Requested scopes, space separated (token exchange; ignored by the bearer flows).</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Permit <c>http://</c> for the token endpoint and instance URLs on loopback addresses only (127.0.0.0/8, ::1,
    /// localhost), for emulators and tests. Default <see langword="false"/>. Not needed for an emulator that speaks
    /// https (FakeSalesforce by default): when <see cref="LoginUrl"/> is https on a loopback host, the https loopback
    /// hosts it answers with are accepted as they are, and TLS validation decides.
    /// </summary>
    public bool AllowInsecureLoopback { get; set; }

    /// <summary>
    /// Host suffixes an <c>instance_url</c>, <c>api_instance_url</c> or redirect may point to. The defaults
    /// (<see cref="SalesforceLoginHost.DefaultTrustedDomains"/>) cover Salesforce's domains; hosts under the site domains
    /// (<c>site.com</c>, <c>force.com</c>, <c>salesforce-sites.com</c>) are trusted through them only when
    /// <see cref="LoginUrl"/> is an Experience Cloud site (see <see cref="SalesforceLoginHost.IsTrusted"/>). Add your
    /// custom domains here. An entry that would trust every host (<c>*</c>, <c>.</c>, a top-level domain) is refused at startup.
    /// </summary>
    public IList<string> TrustedDomains { get; } = [.. SalesforceLoginHost.DefaultTrustedDomains];

    /// <summary>
    /// How long a token is used before it is proactively renewed in the background. Salesforce sends no expiry;
    /// set this a little under the session timeout of the app/profile/org (default 2 hours minus 10 minutes).
    /// Introspection replaces it when a client secret is configured and <see cref="UseIntrospection"/> is on.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(110);

    /// <summary>
    /// Learn the real expiry of tokens from <c>/services/oauth2/introspect</c> (needs a client secret). Default
    /// <see langword="true"/>. The cached provider and handler do not wait for it: a new token is handed out with the
    /// <see cref="SessionLifetime"/> estimate and its learned expiry replaces the estimate in the cache when the answer
    /// arrives. <see cref="SalesforceTokenClient.RequestTokenAsync(SalesforceTokenRequest?, CancellationToken)"/> waits for it.
    /// </summary>
    public bool UseIntrospection { get; set; } = true;

    /// <summary>The timeout of one token endpoint attempt. Default 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The overall time budget of one token acquisition, retries included. Default 60 seconds.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of transient token endpoint failures (network, 5xx, 429, HTML). Default 3; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The base delay of the exponential retry backoff (with jitter). Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The share of the org's daily API request limit (<c>Sforce-Limit-Info</c> on every REST response) above which the
    /// handler logs a warning, once each time usage crosses it. Default 0.8; greater than 0, at most 1.
    /// </summary>
    public double ApiUsageWarningThreshold { get; set; } = 0.8;
}
