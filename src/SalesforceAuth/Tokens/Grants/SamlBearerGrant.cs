using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// The OAuth 2.0 SAML 2.0 bearer grant (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5): <c>grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer</c>
/// and the signed assertion, base64url-encoded; no client id or secret (the <c>Issuer</c> and the signature identify
/// the app). Same clock-skew compensation, validity and audience rules as the JWT bearer grant.
/// </summary>
internal sealed class SamlBearerGrant : ITokenGrant, ISigningGrant
{
    /// <summary>The grant type URN.</summary>
    public const string GrantType = SamlAssertionBuilder.GrantType;

    private readonly SalesforceClientOptions _options;
    private readonly SalesforceSigningKey _key;
    private readonly SalesforceAudience _audience;

    /// <summary>Creates the grant.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="key">The signing key; it must carry its certificate (it goes into <c>KeyInfo</c>).</param>
    /// <exception cref="SalesforceConfigurationException">The key has no certificate.</exception>
    public SamlBearerGrant(SalesforceClientOptions options, SalesforceSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Certificate is null)
        {
            // Caught here, at construction, rather than on the first token request (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&type=5: KeyInfo carries it).
            throw new SalesforceConfigurationException(
                nameof(options.CertificatePath),
                "The SamlBearer flow needs the X.509 certificate that matches the private key (the one uploaded to the app under 'Use digital signatures'): set CertificatePath or CertificatePem, or load the key from a .pfx or a certificate store entry that carries the certificate.");
        }

        _options = options;
        _key = key;
        _audience = SalesforceAudience.Resolve(options);
    }

    /// <inheritdoc />
    public SalesforceSigningKey Key => _key;

    /// <inheritdoc />
    public SalesforceFlow Flow => SalesforceFlow.SamlBearer;

    /// <inheritdoc />
    public TokenGrantRequest CreateRequest(TokenGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subject = context.Request?.Username ?? _options.Username
            ?? throw new SalesforceConfigurationException(nameof(_options.Username), "Username is required for the SamlBearer flow, for example \"integration@acme.com\".");

        // Whole seconds: SAML instants are written to the second, and the facts must match what was sent.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(context.Now.ToUnixTimeSeconds());
        var expiresAt = issuedAt + _options.AssertionLifetime;
        var parameters = new AssertionParameters(_options.ClientId!, subject, _audience.Value, context.TokenEndpoint, issuedAt, expiresAt, _options.SamlNameIdFormat);
        return TokenGrantRequest.ForAssertion(GrantType, SamlAssertionBuilder.Build(_key, parameters), parameters, _audience.Rule, context, _key);
    }
}
