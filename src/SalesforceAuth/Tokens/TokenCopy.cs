namespace SalesforceAuth.Tokens;

/// <summary>Copies of a <see cref="SalesforceToken"/> with one property changed (its properties are init-only).</summary>
internal static class TokenCopy
{
    /// <summary>Copies a token with another expiry.</summary>
    /// <param name="token">The token.</param>
    /// <param name="expiresAt">The new expiry.</param>
    /// <returns>The copy.</returns>
    public static SalesforceToken WithExpiresAt(SalesforceToken token, DateTimeOffset? expiresAt) =>
        new(token.AccessToken, token.InstanceUrl)
        {
            ApiInstanceUrl = token.ApiInstanceUrl,
            IdentityUrl = token.IdentityUrl,
            TokenType = token.TokenType,
            Scope = token.Scope,
            IssuedAt = token.IssuedAt,
            ObtainedAt = token.ObtainedAt,
            ExpiresAt = expiresAt,
            RefreshToken = token.RefreshToken,
            CommunityUrl = token.CommunityUrl,
            CommunityId = token.CommunityId,
            Flow = token.Flow,
        };
}
