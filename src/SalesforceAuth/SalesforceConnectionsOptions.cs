namespace SalesforceAuth;

/// <summary>
/// Bounds on the connections resolved at run time (bound from <c>Salesforce:Connections</c>), so a service serving
/// many orgs holds only those in use: an idle connection is trimmed (settings, tokens and signing key dropped; it is
/// resolved again when seen again), and beyond <see cref="MaxConnections"/> the least recently used are dropped.
/// Connections configured with <c>AddSalesforceClient(name)</c> are pinned and never count.
/// </summary>
public sealed class SalesforceConnectionsOptions
{
    /// <summary>
    /// A resolved connection unused for this long is trimmed. Default 30 minutes; between 1 minute and 1 day. Trimming
    /// runs every quarter of this time, so a connection goes at most 25% later.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most resolved connections held, each with its settings, signing key and cached tokens; beyond it the least
    /// recently used (idle ones first, none with a token request in flight) are dropped down to 90% of it. Default
    /// 100,000; at least 1.
    /// </summary>
    public int MaxConnections { get; set; } = 100_000;
}
