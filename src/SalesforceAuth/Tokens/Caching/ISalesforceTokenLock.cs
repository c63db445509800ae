
namespace SalesforceAuth.Tokens.Caching;

/// <summary>A fleet-wide lock around token acquisition (implemented over Redis by SalesforceAuth.StackExchangeRedis).</summary>
internal interface ISalesforceTokenLock
{
    /// <summary>
    /// Makes one attempt to take the lock of a cache key, without waiting: the caller
    /// (<see cref="DistributedTokenStore.TryLockAsync"/>) decides how long to wait, and watches the cache meanwhile.
    /// </summary>
    /// <param name="key">The lock key.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lock to release, or <see langword="null"/> when another holder has it.</returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken);
}
