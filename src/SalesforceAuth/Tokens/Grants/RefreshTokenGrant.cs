using SalesforceAuth.Tokens.Refresh;

namespace SalesforceAuth.Tokens.Grants;

/// <summary>
/// The refresh token grant (Salesforce Help "OAuth 2.0 Refresh Token Flow for Renewed Sessions", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm&amp;type=5): <c>grant_type=refresh_token</c>, the refresh token, the consumer key, and
/// the secret when configured (required unless the app turns off "Require Secret for Refresh Token Flow"). The refresh
/// token to send is resolved by <see cref="RefreshTokenLifecycle"/> (store, rotation) and passed in
/// <see cref="SalesforceTokenRequest.RefreshToken"/>. Never retried after a timeout or 5xx: with rotation the first
/// request may have succeeded, and resending the old token would revoke the chain (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1).
/// </summary>
internal sealed class RefreshTokenGrant : ITokenGrant
{
    /// <summary>The grant type.</summary>
    public const string GrantType = "refresh_token";

    private readonly SalesforceClientOptions _options;

    /// <summary>Creates the grant.</summary>
    /// <param name="options">The validated settings.</param>
    public RefreshTokenGrant(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public SalesforceFlow Flow => SalesforceFlow.RefreshToken;

    /// <inheritdoc />
    public TokenGrantRequest CreateRequest(TokenGrantContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var refreshToken = context.Request?.RefreshToken ?? _options.RefreshToken;
        if (string.IsNullOrEmpty(refreshToken))
        {
            throw new SalesforceConfigurationException(nameof(_options.RefreshToken), "RefreshToken is required for the RefreshToken flow: the stored refresh token (or pass SalesforceTokenRequest.RefreshToken, or register an ISalesforceRefreshTokenStore).");
        }

        var form = new List<KeyValuePair<string, string>>(4)
        {
            new("grant_type", GrantType),
            new("refresh_token", refreshToken),
        };
        var authorization = ClientAuthentication.Apply(_options, form, requireSecret: false);
        return new TokenGrantRequest(form) { Authorization = authorization, IsRetryable = false };
    }
}
