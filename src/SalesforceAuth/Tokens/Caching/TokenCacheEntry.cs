
namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// The cache slot of one <see cref="TokenCacheKey"/>: the current token and the one acquisition in flight. Readers take
/// <see cref="Current"/> without a lock; every state change happens under <see cref="Gate"/>, including the slot's
/// eviction from <see cref="SalesforceTokenCache"/>.
/// </summary>
internal sealed class TokenCacheEntry
{
    private CachedToken? _current;
    private long _nextBackgroundAttemptTicks;
    private long _lastUsedTimestamp;
    private Task<CachedToken>? _inflight;
    private volatile bool _evicted;

    /// <summary>Creates an empty slot.</summary>
    /// <param name="key">The key.</param>
    /// <param name="request">The overrides acquisitions for this key use (the per-request principal), or <see langword="null"/>.</param>
    public TokenCacheEntry(TokenCacheKey key, SalesforceTokenRequest? request)
    {
        Key = key;
        Request = request;
    }

    /// <summary>The key.</summary>
    public TokenCacheKey Key { get; }

    /// <summary>The overrides used by every acquisition for this key.</summary>
    public SalesforceTokenRequest? Request { get; }

    /// <summary>Guards <see cref="Inflight"/>, writes of <see cref="Current"/> and the background schedule.</summary>
    public object Gate { get; } = new();

    /// <summary>The current token, or <see langword="null"/>.</summary>
    public CachedToken? Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    /// <summary>The acquisition in flight, shared by every caller; written under <see cref="Gate"/>.</summary>
    public Task<CachedToken>? Inflight
    {
        get => Volatile.Read(ref _inflight);
        set => Volatile.Write(ref _inflight, value);
    }

    /// <summary>
    /// The access token Salesforce last rejected for this slot; written under <see cref="Gate"/>. No acquisition takes it
    /// from the distributed cache, including one that began before the rejection and that the renewal joined.
    /// </summary>
    public string? RejectedAccessToken { get; set; }

    /// <summary>Whether the slot is a configured principal's, never trimmed from the cache.</summary>
    public bool Pinned { get; set; }

    /// <summary>
    /// The connection resolved at run time whose own slot this is: it lives exactly as long as the slot, so evicting the
    /// slot drops it (and it may refuse while busy). <see langword="null"/> for every other slot.
    /// </summary>
    public ITokenSlotOwner? Owner { get; set; }

    /// <summary>
    /// Whether the slot left the cache (evicted, trimmed, or its connection dropped); set under <see cref="Gate"/>. A
    /// caller that found the slot just before keeps its token; a new acquisition goes to the key's live slot instead, so
    /// that there is still one per key.
    /// </summary>
    public bool Evicted
    {
        get => _evicted;
        set => _evicted = value;
    }

    /// <summary>
    /// When the slot was last asked for (a <see cref="TimeProvider.GetTimestamp"/> value): written with a plain store on
    /// every lookup (never a lock), read by the cache's sweeps to find idle and least recently used slots.
    /// </summary>
    public long LastUsedTimestamp
    {
        get => Volatile.Read(ref _lastUsedTimestamp);
        set => Volatile.Write(ref _lastUsedTimestamp, value);
    }

    /// <summary>Background refreshes are not started before this time (UTC ticks): a failed one waits before the next try.</summary>
    public long NextBackgroundAttemptTicks
    {
        get => Volatile.Read(ref _nextBackgroundAttemptTicks);
        set => Volatile.Write(ref _nextBackgroundAttemptTicks, value);
    }
}
