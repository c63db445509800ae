namespace SalesforceAuth.Tokens;

/// <summary>A fleet-wide lock around token acquisition (implemented over Redis by SalesforceAuth.StackExchangeRedis).</summary>
internal interface ISalesforceTokenLock
{
    /// <summary>Tries to take the lock of a cache key, waiting a bounded time.</summary>
    /// <param name="key">The distributed cache key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lock to release, or <see langword="null"/> when it was not obtained (the caller proceeds without it).</returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken);
}
