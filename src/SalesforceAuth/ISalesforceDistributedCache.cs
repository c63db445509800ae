using Microsoft.Extensions.Caching.Distributed;

namespace SalesforceAuth;

/// <summary>
/// An <see cref="IDistributedCache"/> that can also delete an entry only if it still holds the value that was read, in
/// one atomic step. SalesforceAuth uses it, when the cache given to <c>AddSalesforceDistributedCache</c> implements it,
/// to remove a token Salesforce rejected: <see cref="IDistributedCache"/> alone has no such operation, and a read, a
/// compare and a plain delete can remove the token another instance stored in between (which then costs that
/// instance's peers a token request).
/// </summary>
/// <remarks>
/// The cache only ever sees SalesforceAuth's entries encrypted (AES-256-GCM under
/// <see cref="SalesforceDistributedCacheOptions.EncryptionKey"/>, bound to their key), and keys derived from a hash of the
/// connection and principal: a store implementation never handles a token or a secret. Like every operation on the
/// distributed cache, a call is bounded by <see cref="SalesforceDistributedCacheOptions.OperationTimeout"/> and an
/// exception only makes SalesforceAuth leave the store alone for <see cref="SalesforceDistributedCacheOptions.FailureBackoff"/>.
/// </remarks>
public interface ISalesforceDistributedCache : IDistributedCache
{
    /// <summary>Deletes the entry of <paramref name="key"/> if its stored value is still <paramref name="expected"/>, atomically.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="expected">The value as it was read (entries are encrypted with a fresh nonce, so every write differs).</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when the entry was deleted; <see langword="false"/> when it was absent or had changed.</returns>
    ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken);
}
