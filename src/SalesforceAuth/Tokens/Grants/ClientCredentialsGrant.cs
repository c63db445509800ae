
namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// The client credentials grant (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5): <c>grant_type=client_credentials</c> with the consumer key and secret in
/// the body or as HTTP Basic. Salesforce issues the token for the app's Run As user and only on a My Domain host
/// (the options validator refuses login.salesforce.com and test.salesforce.com). No refresh token is issued.
/// </summary>
internal sealed class ClientCredentialsGrant : ITokenGrant
{
    /// <summary>The grant type.</summary>
    public const string GrantType = "client_credentials";

    private readonly SalesforceClientOptions _options;

    /// <summary>Creates the grant.</summary>
    /// <param name="options">The validated settings.</param>
    public ClientCredentialsGrant(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public SalesforceFlow Flow => SalesforceFlow.ClientCredentials;

    /// <inheritdoc />
    public TokenGrantRequest CreateRequest(TokenGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var form = new List<KeyValuePair<string, string>>(3) { new("grant_type", GrantType) };
        var authorization = ClientAuthentication.Apply(_options, form, requireSecret: true);
        return new TokenGrantRequest(form) { Authorization = authorization };
    }
}
