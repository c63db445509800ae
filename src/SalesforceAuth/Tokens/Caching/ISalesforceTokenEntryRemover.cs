
namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// Deletes a distributed cache entry only if it still holds the value that was read, in one atomic step (implemented
/// over Redis by SalesforceAuth.StackExchangeRedis). <c>IDistributedCache</c> has no such operation, and without it a
/// read, a compare and a delete can remove the token another instance stored in between.
/// </summary>
internal interface ISalesforceTokenEntryRemover
{
    /// <summary>Deletes the entry if its stored value is still <paramref name="expected"/>.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="expected">The entry as it was read (entries are encrypted with a fresh nonce, so each write differs).</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when the entry was deleted.</returns>
    ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken);
}
