using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// The process-wide first level: one slot per <see cref="TokenCacheKey"/> (a key belongs to one connection; see there
/// why connections configured alike do not share a slot), bounded by <see cref="SalesforceConnectionsOptions"/>. The
/// slots of the configured connections' own principals are pinned and not counted. Every other slot (a per-request
/// principal's, on any connection, and a resolved connection's own, which takes the connection with it) is dropped once
/// idle for <see cref="SalesforceConnectionsOptions.IdleTimeout"/>, and beyond
/// <see cref="SalesforceConnectionsOptions.MaxCachedTokens"/> the least recently used go first.
/// </summary>
/// <remarks>
/// <para>
/// The least-recently-used order is approximate, by design: the hot path only writes the slot's last-used timestamp
/// with a plain store (no lock, no list to reorder, no allocation), and eviction is a sweep that sorts a snapshot of the
/// timestamps when the count passes the cap, dropping the oldest down to 90% of it (so a sweep runs once per 10% of the
/// cap of new slots, not per insertion). Concurrent stamps may land in either order, and a slot with an acquisition in
/// flight or stamped since the snapshot is skipped.
/// </para>
/// <para>
/// Evicting never breaks a caller: the slot's state changes under its gate and only when no acquisition is in flight,
/// a caller that already holds the slot keeps its token, and an acquisition asked of an evicted slot goes to the key's
/// live slot (see <see cref="SalesforceTokenManager"/>), so there is still one per key. Evicted slots release their
/// staleness timers; so does disposal with the container (a token read afterwards takes the exact clock comparison).
/// </para>
/// </remarks>
internal sealed class SalesforceTokenCache : IDisposable
{
    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _maxEntries;
    private readonly TimeSpan _idleTimeout;
    private readonly object _timerGate = new();
    private ITimer? _trimTimer;
    private bool _disposed;
    private int _count;
    private int _evicting;

    /// <summary>Creates the cache with the default bounds.</summary>
    /// <param name="timeProvider">The clock of the idle times, or <see langword="null"/> for the system clock.</param>
    public SalesforceTokenCache(TimeProvider? timeProvider = null)
        : this(timeProvider, new SalesforceConnectionsOptions(), null)
    {
    }

    /// <summary>Creates the cache.</summary>
    /// <param name="timeProvider">The clock of the idle times and of the trimming timer.</param>
    /// <param name="options">The bounds.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    public SalesforceTokenCache(TimeProvider? timeProvider, SalesforceConnectionsOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _maxEntries = options.MaxCachedTokens;
        _idleTimeout = options.IdleTimeout;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The number of counted slots: every slot but the configured connections' own (for tests and diagnostics).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets or creates the slot of a key, and marks it used now.</summary>
    /// <param name="key">The key.</param>
    /// <param name="request">The overrides stored with a new slot.</param>
    /// <param name="pinned">Whether the slot is a configured connection's own (never dropped, not counted).</param>
    /// <returns>The slot.</returns>
    public TokenCacheEntry GetEntry(TokenCacheKey key, SalesforceTokenRequest? request, bool pinned = false)
    {
        var now = _timeProvider.GetTimestamp();
        while (true)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                var created = new TokenCacheEntry(key, request) { Pinned = pinned, LastUsedTimestamp = now };
                entry = _entries.GetOrAdd(key, created);
                if (ReferenceEquals(entry, created))
                {
                    if (!pinned)
                    {
                        Admitted(created);
                    }

                    return entry;
                }
            }

            // A slot evicted between the lookup and here is of no use to a new caller: look again.
            if (pinned && !entry.Pinned && !TryPin(entry))
            {
                continue;
            }

            entry.LastUsedTimestamp = now;
            return entry;
        }
    }

    /// <summary>
    /// Puts a resolved connection's own slot in the cache, counted and trimmed like the others; evicting it drops the
    /// connection (<paramref name="owner"/>). A slot already there for the key (an earlier resolution of the same
    /// connection, being dropped) is replaced.
    /// </summary>
    /// <param name="entry">The slot, not yet in any cache.</param>
    /// <param name="owner">The connection.</param>
    public void Admit(TokenCacheEntry entry, ITokenSlotOwner owner)
    {
        entry.Owner = owner;
        entry.LastUsedTimestamp = _timeProvider.GetTimestamp();
        while (true)
        {
            if (_entries.TryGetValue(entry.Key, out var old))
            {
                if (_entries.TryUpdate(entry.Key, entry, old))
                {
                    lock (old.Gate)
                    {
                        MarkEvicted(old);
                    }

                    if (old.Pinned)
                    {
                        Admitted(entry);
                    }

                    return;
                }
            }
            else if (_entries.TryAdd(entry.Key, entry))
            {
                Admitted(entry);
                return;
            }
        }
    }

    /// <summary>Drops one slot if it is still in the cache (its connection was reloaded, removed or dropped).</summary>
    /// <param name="entry">The slot.</param>
    public void Remove(TokenCacheEntry entry)
    {
        lock (entry.Gate)
        {
            Detach(entry);
        }
    }

    /// <summary>
    /// Drops the slots of a connection resolved at run time (reloaded or removed), releasing their timers: its
    /// per-request slots, and its own slot when <paramref name="owner"/> owns it (a later resolution's slot stays). A
    /// scan of every slot: rare.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="owner">The dropped connection, or <see langword="null"/> when it was still being resolved.</param>
    /// <returns>The dropped slots.</returns>
    public List<TokenCacheEntry> RemoveResolved(string connectionId, ITokenSlotOwner? owner)
    {
        var removed = new List<TokenCacheEntry>();
        foreach (var (key, entry) in _entries)
        {
            if (key.Resolved && string.Equals(key.Connection, connectionId, StringComparison.Ordinal)
                && (entry.Owner is null || ReferenceEquals(entry.Owner, owner)))
            {
                lock (entry.Gate)
                {
                    if (Detach(entry))
                    {
                        removed.Add(entry);
                    }
                }
            }
        }

        return removed;
    }

    /// <summary>
    /// Drops every slot idle for the idle timeout, then sweeps for the cap (the timer's callback; also called by tests and
    /// the probe).
    /// </summary>
    /// <returns>The slots dropped, and how many of them were resolved connections' own.</returns>
    public (int Slots, int Connections) TrimIdle()
    {
        var now = _timeProvider.GetTimestamp();
        int slots = 0, connections = 0;
        foreach (var entry in _entries.Values)
        {
            var stamp = entry.LastUsedTimestamp;
            if (!entry.Pinned && _timeProvider.GetElapsedTime(stamp, now) >= _idleTimeout && TryEvict(entry, stamp))
            {
                slots++;
                connections += entry.Owner is null ? 0 : 1;
            }
        }

        if (slots > 0)
        {
            Log.CachedTokensTrimmed(_logger, slots, connections, _idleTimeout, Count);
        }

        // Slots that were in flight when the last insertion swept may have left the count above the cap.
        EvictLeastRecentlyUsed(admitted: null);
        return (slots, connections);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _trimTimer?.Dispose();
            _trimTimer = null;
        }

        foreach (var entry in _entries.Values)
        {
            entry.Current?.DisarmStaleTimer();
        }
    }

    private void Admitted(TokenCacheEntry admitted)
    {
        if (Interlocked.Increment(ref _count) > _maxEntries)
        {
            EvictLeastRecentlyUsed(admitted);
        }

        if (Volatile.Read(ref _trimTimer) is null)
        {
            StartTrimTimer();
        }
    }

    /// <summary>
    /// Started with the first counted slot, so a service with configured connections only runs no timer. A quarter of
    /// the idle time: a slot goes at most 25% after it went idle.
    /// </summary>
    private void StartTrimTimer()
    {
        lock (_timerGate)
        {
            if (_trimTimer is null && !_disposed)
            {
                var period = _idleTimeout / 4;
                _trimTimer = _timeProvider.CreateTimer(static state => ((SalesforceTokenCache)state!).TrimIdle(), this, period, period);
            }
        }
    }

    /// <summary>
    /// Drops the least recently used slots down to 90% of the cap, never the slot just admitted (its caller is about to
    /// use it). One caller sweeps at a time; the others go on, and the sweeper looks again before it leaves if they took
    /// the count over the cap meanwhile. Slots in flight are skipped, so the count may stay above the cap by as many
    /// slots as there are acquisitions running, until the next insertion or the next trim (which sweeps too).
    /// </summary>
    private void EvictLeastRecentlyUsed(TokenCacheEntry? admitted)
    {
        while (Count > _maxEntries && Interlocked.CompareExchange(ref _evicting, 1, 0) == 0)
        {
            int evicted;
            try
            {
                evicted = SweepLeastRecentlyUsed(admitted);
            }
            finally
            {
                Volatile.Write(ref _evicting, 0);
            }

            if (evicted == 0)
            {
                // Everything left is in flight or was just used: the next insertion tries again.
                return;
            }
        }
    }

    private int SweepLeastRecentlyUsed(TokenCacheEntry? admitted)
    {
        var target = _maxEntries - (_maxEntries / 10);
        int slots = 0, connections = 0;

        // A slot used since the snapshot is skipped (it is no longer among the least recent); a slow sweep, one that
        // many callers overtook, takes a new snapshot rather than stop short.
        for (var pass = 0; pass < 3 && Count > target; pass++)
        {
            var candidates = new List<(TokenCacheEntry Entry, long Stamp)>(Count + 16);
            foreach (var entry in _entries.Values)
            {
                if (!entry.Pinned && entry.Inflight is null && !ReferenceEquals(entry, admitted))
                {
                    candidates.Add((entry, entry.LastUsedTimestamp));
                }
            }

            candidates.Sort(static (a, b) => a.Stamp.CompareTo(b.Stamp));
            foreach (var (entry, stamp) in candidates)
            {
                if (Count <= target)
                {
                    break;
                }

                if (TryEvict(entry, stamp))
                {
                    slots++;
                    connections += entry.Owner is null ? 0 : 1;
                }
            }
        }

        if (slots > 0)
        {
            Log.CachedTokensEvicted(_logger, slots, connections, _maxEntries);
        }

        return slots;
    }

    /// <summary>
    /// Evicts a slot chosen by a sweep, unless it was used since the sweep read <paramref name="stamp"/>, an acquisition
    /// is in flight, or its connection cannot go now.
    /// </summary>
    private bool TryEvict(TokenCacheEntry entry, long stamp)
    {
        lock (entry.Gate)
        {
            if (entry.Evicted || entry.Inflight is not null || entry.LastUsedTimestamp != stamp
                || !_entries.TryGetValue(entry.Key, out var current) || !ReferenceEquals(current, entry)
                || (entry.Owner is { } owner && !owner.TryRelease()))
            {
                return false;
            }

            return Detach(entry);
        }
    }

    /// <summary>Takes a slot out of the cache if it is there; under the slot's gate.</summary>
    private bool Detach(TokenCacheEntry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<TokenCacheKey, TokenCacheEntry>(entry.Key, entry)))
        {
            return false;
        }

        MarkEvicted(entry);
        if (!entry.Pinned)
        {
            Interlocked.Decrement(ref _count);
        }

        return true;
    }

    /// <summary>Pins a configured connection's own slot (created first by a per-request caller with the same principal).</summary>
    private bool TryPin(TokenCacheEntry entry)
    {
        lock (entry.Gate)
        {
            if (entry.Evicted)
            {
                return false;
            }

            if (!entry.Pinned)
            {
                entry.Pinned = true;
                Interlocked.Decrement(ref _count);
            }

            return true;
        }
    }

    private static void MarkEvicted(TokenCacheEntry entry)
    {
        entry.Evicted = true;
        entry.Current?.DisarmStaleTimer();
    }
}
