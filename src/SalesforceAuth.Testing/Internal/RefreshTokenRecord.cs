namespace SalesforceAuth.Testing.Internal;

internal sealed class RefreshTokenRecord(string token, RefreshChain chain, DateTimeOffset issuedAt)
{
    public string Token { get; } = token;

    public RefreshChain Chain { get; } = chain;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    /// <summary>Replaced by a newer token of the chain (rotation); presenting it again is reuse.</summary>
    public bool Rotated { get; set; }

    /// <summary>A refresh with this token is being processed (Salesforce Winter '25 release notes (simultaneous refresh token requests), https://help.salesforce.com/s/articleView?id=release-notes.rn_security_refresh_token_error.htm&amp;release=252&amp;type=5).</summary>
    public bool InFlight { get; set; }
}
