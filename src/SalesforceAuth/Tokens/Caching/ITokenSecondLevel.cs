
namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// A cache level shared by several processes (the distributed cache). Every member degrades instead of failing: an
/// outage, a foreign or corrupt entry reads as a miss, a failed write is logged and forgotten.
/// </summary>
internal interface ITokenSecondLevel
{
    /// <summary>Reads a token; <see langword="null"/> on a miss, an outage, or an entry that does not decrypt for this key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The token, or <see langword="null"/>.</returns>
    ValueTask<SalesforceToken?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken);

    /// <summary>Stores a token; never throws.</summary>
    /// <param name="key">The key.</param>
    /// <param name="token">The token.</param>
    /// <param name="expiresAt">When the entry stops being useful to other instances (the token's soft or hard expiry).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    ValueTask SetAsync(TokenCacheKey key, SalesforceToken token, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Removes the stored token only if it is <paramref name="token"/> (compare-and-evict); never throws.</summary>
    /// <param name="key">The key.</param>
    /// <param name="token">The token to evict.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task.</returns>
    ValueTask RemoveAsync(TokenCacheKey key, SalesforceToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the fleet-wide acquisition lock for a key when one is configured, so a cold fleet makes one token request.
    /// While another instance holds it, waits (at most <see cref="SalesforceDistributedCacheOptions.LockWait"/>) and asks
    /// <paramref name="tokenArrived"/> between attempts whether that instance's token is in the cache yet, so a holder
    /// that stored its token and then died (or has not released yet) holds nobody up.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="tokenArrived">Reads the cache; <see langword="true"/> stops the wait (the caller has its token).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// The lock to dispose; or <see langword="null"/> when there is no lock, the token arrived, the store failed, or the
    /// wait ran out (then the caller proceeds without the lock).
    /// </returns>
    ValueTask<IAsyncDisposable?> TryLockAsync(TokenCacheKey key, Func<CancellationToken, ValueTask<bool>> tokenArrived, CancellationToken cancellationToken);
}
