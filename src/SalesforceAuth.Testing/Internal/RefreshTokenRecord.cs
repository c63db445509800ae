namespace SalesforceAuth.Testing.Internal;

internal sealed class RefreshTokenRecord(string token, RefreshChain chain, DateTimeOffset issuedAt)
{
    public string Token { get; } = token;

    public RefreshChain Chain { get; } = chain;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    /// <summary>Replaced by a newer token of the chain (rotation); presenting it again is reuse.</summary>
    public bool Rotated { get; set; }

    /// <summary>A refresh with this token is being processed (reference §5.4).</summary>
    public bool InFlight { get; set; }
}
