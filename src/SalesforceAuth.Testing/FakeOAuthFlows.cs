namespace SalesforceAuth.Testing;

/// <summary>The OAuth flows a <see cref="FakeConnectedApp"/> enables. A disabled flow answers
/// <c>unsupported_grant_type</c> / <c>grant type not supported</c> (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).</summary>
[Flags]
public enum FakeOAuthFlows
{
    /// <summary>No flow.</summary>
    None = 0,

    /// <summary><c>urn:ietf:params:oauth:grant-type:jwt-bearer</c>.</summary>
    JwtBearer = 1,

    /// <summary><c>urn:ietf:params:oauth:grant-type:saml2-bearer</c>.</summary>
    SamlBearer = 2,

    /// <summary><c>client_credentials</c> (My Domain only).</summary>
    ClientCredentials = 4,

    /// <summary><c>refresh_token</c>.</summary>
    RefreshToken = 8,

    /// <summary><c>urn:ietf:params:oauth:grant-type:token-exchange</c>.</summary>
    TokenExchange = 16,

    /// <summary>The web server flow: <c>/services/oauth2/authorize</c> then <c>authorization_code</c> at the token endpoint.</summary>
    AuthorizationCode = 32,

    /// <summary>Every flow.</summary>
    All = JwtBearer | SamlBearer | ClientCredentials | RefreshToken | TokenExchange | AuthorizationCode,
}
