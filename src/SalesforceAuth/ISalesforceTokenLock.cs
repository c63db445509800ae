namespace SalesforceAuth;

/// <summary>
/// A lock shared by every instance of a service around token acquisition, so that of all the instances missing the
/// same token only one asks Salesforce (one token request per consumer and user at a time: Salesforce Help knowledge
/// article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&amp;type=1). Optional:
/// without one, each instance that misses a token requests its own. SalesforceAuth.StackExchangeRedis implements it
/// over Redis; register another with <c>services.AddSalesforceTokenLock(...)</c> beside
/// <c>services.AddSalesforceDistributedCache(...)</c> (the lock is only used with the distributed cache).
/// </summary>
/// <remarks>
/// <para>
/// What an implementation must guarantee: while a lock is held under a key, no other caller anywhere is granted that
/// key; a lock expires by itself after a bounded lifetime (30 seconds for the Redis lock), so a holder that crashed
/// blocks nobody for longer; releasing frees only the caller's own lock (compare-and-delete), never one that expired
/// and was granted to another instance since.
/// </para>
/// <para>
/// What SalesforceAuth does around it: it calls <see cref="TryAcquireAsync"/> once per attempt and does the waiting
/// itself (trying again every 50 ms and reading the distributed cache between attempts, at most
/// <see cref="SalesforceDistributedCacheOptions.LockWait"/>), bounds every call by
/// <see cref="SalesforceDistributedCacheOptions.OperationTimeout"/>, and treats an exception as the store being
/// unavailable: the instance requests its token without the lock and leaves the store alone for
/// <see cref="SalesforceDistributedCacheOptions.FailureBackoff"/>. A lock granted after the caller stopped waiting is
/// released as soon as it arrives. Keys are derived from a hash of the connection and principal and carry no token or
/// secret.
/// </para>
/// </remarks>
public interface ISalesforceTokenLock
{
    /// <summary>
    /// Makes one attempt to take the lock of <paramref name="key"/>, without waiting for a holder to release it.
    /// </summary>
    /// <param name="key">The lock key (the distributed cache key of the token, with a <c>:lock</c> suffix).</param>
    /// <param name="cancellationToken">Cancels the attempt; then throw <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// The held lock, released by <see cref="IAsyncDisposable.DisposeAsync"/> (which must not throw: a release that
    /// fails leaves a lock that expires by itself); or <see langword="null"/> when another caller holds it.
    /// </returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken);
}
