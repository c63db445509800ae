namespace SalesforceAuth;

/// <summary>
/// The answer of <c>/services/oauth2/introspect</c> for one token (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5). An inactive, unknown, expired or
/// foreign token (issued to another app without "Introspect All Tokens") reports only <see cref="Active"/> =
/// <see langword="false"/>. Holds no token.
/// </summary>
public sealed class SalesforceTokenIntrospection
{
    /// <summary>Whether the token is active.</summary>
    public bool Active { get; init; }

    /// <summary>The token's scopes, space separated (<c>scope</c>).</summary>
    public string? Scope { get; init; }

    /// <summary>The consumer key of the app the token was issued to (<c>client_id</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary>The Salesforce username (<c>username</c>).</summary>
    public string? Username { get; init; }

    /// <summary>The subject (<c>sub</c>): the identity URL, not a bare user id.</summary>
    public string? Subject { get; init; }

    /// <summary>The kind of token (<c>token_type</c>): <c>access_token</c> or <c>refresh_token</c>, not <c>Bearer</c>.</summary>
    public string? TokenType { get; init; }

    /// <summary>When the token expires by Salesforce's clock (<c>exp</c>, seconds since the epoch).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the token was issued by Salesforce's clock (<c>iat</c>).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When the token became valid by Salesforce's clock (<c>nbf</c>).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"SalesforceTokenIntrospection {{ Active = {Active}, TokenType = {TokenType}, ClientId = {ClientId}, Username = {Username}, Scope = {Scope}, ExpiresAt = {ExpiresAt:O} }}");
}
