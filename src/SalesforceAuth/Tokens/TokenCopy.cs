
namespace SalesforceAuth.Tokens;

/// <summary>Copies of a <see cref="SalesforceToken"/> with one property changed (its properties are init-only).</summary>
internal static class TokenCopy
{
    /// <summary>Copies a token with an expiry learned from Salesforce (introspection): the cache treats it as a hard limit.</summary>
    /// <param name="token">The token.</param>
    /// <param name="expiresAt">The new expiry.</param>
    /// <returns>The copy.</returns>
    public static SalesforceToken WithExpiresAt(SalesforceToken token, DateTimeOffset? expiresAt) =>
        Copy(token, token.ObtainedAt, expiresAt, hasKnownExpiry: expiresAt is not null);

    /// <summary>Copies a token with the time it was obtained (for a source that did not set it).</summary>
    /// <param name="token">The token.</param>
    /// <param name="obtainedAt">When it was obtained.</param>
    /// <returns>The copy.</returns>
    public static SalesforceToken WithObtainedAt(SalesforceToken token, DateTimeOffset obtainedAt) =>
        Copy(token, obtainedAt, token.ExpiresAt, token.HasKnownExpiry);

    private static SalesforceToken Copy(SalesforceToken token, DateTimeOffset obtainedAt, DateTimeOffset? expiresAt, bool hasKnownExpiry) =>
        new(token.AccessToken, token.InstanceUrl)
        {
            ApiInstanceUrl = token.ApiInstanceUrl,
            IdentityUrl = token.IdentityUrl,
            TokenType = token.TokenType,
            Scope = token.Scope,
            IssuedAt = token.IssuedAt,
            ObtainedAt = obtainedAt,
            ExpiresAt = expiresAt,
            HasKnownExpiry = hasKnownExpiry,
            RefreshToken = token.RefreshToken,
            CommunityUrl = token.CommunityUrl,
            CommunityId = token.CommunityId,
            Flow = token.Flow,
        };
}
