using System.Collections.Concurrent;

namespace SalesforceAuth.Tokens;

/// <summary>
/// The process-wide first level: one slot per <see cref="TokenCacheKey"/>, shared by every named connection with the same
/// key, so two clients configured alike share one session. Disposed with the container: the cached tokens' staleness
/// timers are released (a token read afterwards takes the exact clock comparison).
/// </summary>
internal sealed class SalesforceTokenCache : IDisposable
{
    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();

    /// <summary>Gets or creates the slot of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="request">The overrides stored with a new slot.</param>
    /// <returns>The slot.</returns>
    public TokenCacheEntry GetEntry(TokenCacheKey key, SalesforceTokenRequest? request) =>
        _entries.GetOrAdd(key, static (k, r) => new TokenCacheEntry(k, r), request);

    /// <summary>The number of slots (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Current?.DisarmStaleTimer();
        }
    }
}
