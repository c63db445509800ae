using System.Collections.Concurrent;

namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// The process-wide first level: one slot per <see cref="TokenCacheKey"/> (a key belongs to one connection; see there
/// why connections configured alike do not share a slot). The slots of the configured principals are pinned; the
/// per-request slots (one per user acted as) are trimmed once they have been idle for <see cref="IdleLimit"/>, so a
/// service acting as many users over time does not keep every user's session forever. Disposed with the container: the
/// cached tokens' staleness timers are released (a token read afterwards takes the exact clock comparison).
/// </summary>
internal sealed class SalesforceTokenCache : IDisposable
{
    /// <summary>An unpinned slot unused for this long is dropped at the next sweep (its token is renewed if asked for again).</summary>
    internal static readonly TimeSpan IdleLimit = TimeSpan.FromHours(1);

    /// <summary>Sweeps run at most this often.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _sweepAbove;
    private long _nextSweepTimestamp;

    /// <summary>Creates the cache.</summary>
    /// <param name="timeProvider">The clock of the idle times, or <see langword="null"/> for the system clock.</param>
    public SalesforceTokenCache(TimeProvider? timeProvider = null)
        : this(timeProvider, sweepAbove: 1000)
    {
    }

    /// <summary>Creates the cache with a sweep threshold (for tests).</summary>
    /// <param name="timeProvider">The clock of the idle times.</param>
    /// <param name="sweepAbove">Sweeps run only while there are more slots than this.</param>
    internal SalesforceTokenCache(TimeProvider? timeProvider, int sweepAbove)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _sweepAbove = sweepAbove;
        _nextSweepTimestamp = _timeProvider.GetTimestamp();
    }

    /// <summary>Gets or creates the slot of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="request">The overrides stored with a new slot.</param>
    /// <param name="pinned">Whether the slot is a configured principal's (never trimmed).</param>
    /// <returns>The slot.</returns>
    public TokenCacheEntry GetEntry(TokenCacheKey key, SalesforceTokenRequest? request, bool pinned = false)
    {
        var now = _timeProvider.GetTimestamp();
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = _entries.GetOrAdd(key, static (k, state) => new TokenCacheEntry(k, state.request) { Pinned = state.pinned, LastUsedTimestamp = state.now }, (request, pinned, now));
            if (_entries.Count > _sweepAbove)
            {
                Sweep(now);
            }
        }

        if (pinned)
        {
            entry.Pinned = true;
        }

        entry.LastUsedTimestamp = now;
        return entry;
    }

    /// <summary>
    /// Drops the per-request slots of a connection resolved at run time (reloaded or removed), releasing their timers.
    /// A scan of every slot: rare, and the slots are per-user ones (a resolved connection's own slot is not here).
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <returns>The dropped slots.</returns>
    public List<TokenCacheEntry> RemoveResolved(string connectionId)
    {
        var removed = new List<TokenCacheEntry>();
        foreach (var (key, entry) in _entries)
        {
            if (key.Resolved && string.Equals(key.Connection, connectionId, StringComparison.Ordinal)
                && _entries.TryRemove(new KeyValuePair<TokenCacheKey, TokenCacheEntry>(key, entry)))
            {
                entry.Current?.DisarmStaleTimer();
                removed.Add(entry);
            }
        }

        return removed;
    }

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

    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweepTimestamp);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTimestamp, now + ToTimestamp(SweepInterval), next) != next)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            // Idle, and no acquisition in flight: nobody is waiting on this slot.
            if (!entry.Pinned && entry.Inflight is null && _timeProvider.GetElapsedTime(entry.LastUsedTimestamp, now) >= IdleLimit
                && _entries.TryRemove(new KeyValuePair<TokenCacheKey, TokenCacheEntry>(key, entry)))
            {
                entry.Current?.DisarmStaleTimer();
            }
        }
    }

    private long ToTimestamp(TimeSpan interval) => (long)(interval.TotalSeconds * _timeProvider.TimestampFrequency);
}
