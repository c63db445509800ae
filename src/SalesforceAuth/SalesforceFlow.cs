namespace SalesforceAuth;

/// <summary>The OAuth 2.0 grant a Salesforce connection uses to obtain access tokens without a person present.</summary>
/// <remarks>In configuration and <c>sfauth --flow</c> each flow also has a short and a kebab name (<c>jwt</c>, <c>jwt-bearer</c>): see <see cref="SalesforceFlowNames"/>.</remarks>
[System.ComponentModel.TypeConverter(typeof(SalesforceFlowConverter))]
public enum SalesforceFlow
{
    /// <summary>OAuth 2.0 JWT bearer flow (RFC 7523): a JWT signed with the connected app's private key.</summary>
    JwtBearer = 0,

    /// <summary>OAuth 2.0 SAML 2.0 bearer assertion flow (RFC 7522): a signed SAML assertion.</summary>
    SamlBearer = 1,

    /// <summary>Client credentials flow: consumer key and secret, acting as the app's Run As user. My Domain host required.</summary>
    ClientCredentials = 2,

    /// <summary>Refresh token flow with a stored refresh token.</summary>
    RefreshToken = 3,

    /// <summary>Token exchange (RFC 8693 profile): a token from another identity provider is exchanged for a Salesforce token.</summary>
    TokenExchange = 4,
}
