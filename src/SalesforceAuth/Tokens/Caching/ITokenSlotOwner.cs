namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// What must go when a cache slot goes: a connection resolved at run time, whose settings and token manager are held
/// exactly as long as its own token's slot, so that the cache's one bound (<see cref="SalesforceConnectionsOptions.MaxCachedTokens"/>)
/// bounds the connections too.
/// </summary>
internal interface ITokenSlotOwner
{
    /// <summary>Drops the owner because its slot is being evicted; called under the slot's gate.</summary>
    /// <returns><see langword="false"/> when it cannot go now (a token request in flight): the slot stays.</returns>
    bool TryRelease();
}
