using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// The OAuth 2.0 JWT bearer grant (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5): <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c> and
/// <c>assertion</c>, nothing else (no client id or secret: the JWT's <c>iss</c> and signature identify the app).
/// </summary>
internal sealed class JwtBearerGrant : ITokenGrant, ISigningGrant
{
    /// <summary>The grant type URN.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly SalesforceClientOptions _options;
    private readonly SalesforceSigningKey _key;
    private readonly SalesforceAudience _audience;

    /// <summary>Creates the grant.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="key">The signing key.</param>
    public JwtBearerGrant(SalesforceClientOptions options, SalesforceSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        _options = options;
        _key = key;
        _audience = SalesforceAudience.Resolve(options);
    }

    /// <inheritdoc />
    public SalesforceSigningKey Key => _key;

    /// <inheritdoc />
    public SalesforceFlow Flow => SalesforceFlow.JwtBearer;

    /// <summary>The audience sent.</summary>
    public string Audience => _audience.Value;

    /// <summary>Which rule chose the audience.</summary>
    public string AudienceRule => _audience.Rule;

    /// <inheritdoc />
    public TokenGrantRequest CreateRequest(TokenGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subject = context.Request?.Username ?? _options.Username
            ?? throw new SalesforceConfigurationException(nameof(_options.Username), "Username is required for the JwtBearer flow, for example \"integration@acme.com\".");

        // Integer epoch seconds, computed from UTC (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5: local-time-as-UTC bugs cause 'expired authorization code').
        var issuedAt = context.Now;
        var expiresAt = issuedAt + _options.AssertionLifetime;
        var parameters = new AssertionParameters(_options.ClientId!, subject, _audience.Value, context.TokenEndpoint, issuedAt, expiresAt);
        return TokenGrantRequest.ForAssertion(GrantType, JwtAssertionBuilder.Build(_key, parameters), parameters, _audience.Rule, context, _key);
    }
}
