namespace SalesforceAuth;

/// <summary>
/// Bounds on what the in-process token cache holds (bound from <c>Salesforce:Connections</c>), so a service serving many
/// orgs and users holds only those in use. The unit is the cached token: a resolved connection's own token (with its
/// settings), and each token acquired for a per-request principal (a user acted as, on any connection). An idle one is
/// dropped, and beyond <see cref="MaxCachedTokens"/> the least recently used are dropped; either is acquired again (a
/// connection resolved again) when next used. The token of a connection configured with
/// <c>AddSalesforceClient(name)</c> is pinned: never dropped and never counted.
/// </summary>
/// <remarks>
/// A resolved refresh-token connection whose refresh token rotated while no <see cref="ISalesforceRefreshTokenStore"/>
/// keeps it is never dropped (its current refresh token exists only in memory; presenting the old one again revokes the
/// chain) until it is reloaded or removed: give such tenants a store.
/// One cap instead of one per kind: a resolved connection lives exactly as long as its own token, so the cap on tokens
/// bounds the connections too (an earlier <c>MaxConnections</c> bounded connections only, and left per-user tokens
/// unbounded).
/// </remarks>
public sealed class SalesforceConnectionsOptions
{
    /// <summary>
    /// A cached token (a resolved connection's own, or a per-request principal's) unused for this long is dropped, a
    /// resolved connection with its settings, tokens and signing key. Default 30 minutes; between 1 minute and 1 day.
    /// Trimming runs every quarter of this time, so one goes at most 25% later.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most tokens held in the in-process cache, counting each resolved connection (its own token) and each
    /// per-request principal's token, across connections; configured connections' own tokens are not counted. Beyond
    /// it the least recently used (none with a token request in flight) are dropped down to 90% of it. Default 100,000;
    /// at least 1.
    /// </summary>
    public int MaxCachedTokens { get; set; } = 100_000;
}
