using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tokens;

/// <summary>
/// The cached token provider of one named connection: serves tokens from the cache without locks or allocations, runs
/// one acquisition per key at a time (single-flight), renews stale tokens in the background while they keep serving,
/// and evicts a token only if it is still the cached one. Acquisitions run under the manager's own lifetime, never a
/// caller's: a caller that gives up stops waiting, and the others still get the token.
/// </summary>
internal sealed class SalesforceTokenManager : IDisposable, IAsyncDisposable
{
    /// <summary>How long to wait before retrying a failed background refresh (the current token keeps serving meanwhile).</summary>
    internal static readonly TimeSpan FailedRefreshRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="DisposeAsync"/> waits for acquisitions to store their token and release the fleet lock.</summary>
    internal static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(5);

    private readonly Func<ISalesforceTokenSource> _source;
    private readonly SalesforceTokenCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SalesforceMetrics _metrics;
    private readonly ITokenSecondLevel? _secondLevel;
    private readonly CancellationTokenSource _lifetime = new();
    private TaskCompletionSource? _drained;
    private readonly bool _resolved;
    private int _disposed;
    private int _retired;
    private int _running;

    /// <summary>Creates the manager.</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="source">
    /// Gets the connection's token source (its <see cref="SalesforceTokenClient"/>) on each cache miss: the client is
    /// created on the first miss, so building an <see cref="HttpClient"/> never loads keys, and a creation error (for
    /// example an unreadable key) surfaces from that request and is retried by the next.
    /// </param>
    /// <param name="cache">The process-wide first level.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="secondLevel">The distributed level, or <see langword="null"/>.</param>
    /// <param name="resolved">
    /// Whether the connection was resolved at run time: its keys are apart from configured connections', and its
    /// default slot is not pinned: the registry puts it in the process-wide first level, counted and evicted like a
    /// per-request slot, and the connection goes with it.
    /// </param>
    public SalesforceTokenManager(
        string name,
        SalesforceClientOptions options,
        Func<ISalesforceTokenSource> source,
        SalesforceTokenCache cache,
        TimeProvider timeProvider,
        ILogger logger,
        SalesforceMetrics metrics,
        ITokenSecondLevel? secondLevel = null,
        bool resolved = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
        _source = source;
        _cache = cache;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _secondLevel = secondLevel;
        _resolved = resolved;
        FlowTag = new("salesforce.flow", options.Flow.ToString());
        var key = TokenCacheKey.Create(name, options, null, resolved);
        DefaultEntry = resolved ? new TokenCacheEntry(key, null) : cache.GetEntry(key, null, pinned: true);
        ApiUsage = new ApiUsageTracker(name, options.ApiUsageWarningThreshold, logger);
        metrics.Track(ApiUsage);
    }

    /// <summary>The API usage of the connection's org, as its latest REST response reported it.</summary>
    public ApiUsageTracker ApiUsage { get; }

    /// <summary>The connection name.</summary>
    public string Name { get; }

    /// <summary>The connection settings.</summary>
    public SalesforceClientOptions Options { get; }

    /// <summary>The flow as a metric tag, built once (the handler tags its counters with it).</summary>
    public KeyValuePair<string, object?> FlowTag { get; }

    /// <summary>The slot of the configured principal, resolved once so the hot path needs no dictionary lookup.</summary>
    public TokenCacheEntry DefaultEntry { get; }

    /// <summary>The slot for a request with overrides.</summary>
    /// <param name="request">The overrides, or <see langword="null"/> for the configured principal.</param>
    /// <returns>The slot.</returns>
    public TokenCacheEntry GetEntry(SalesforceTokenRequest? request) =>
        request is null ? DefaultEntry : _cache.GetEntry(TokenCacheKey.Create(Name, Options, request, _resolved), request);

    /// <summary>
    /// Completed when no acquisition runs any more after <see cref="Dispose"/> or <see cref="RetireAsync"/>; created on
    /// first need, as most managers of a multi-tenant service are never disposed one by one.
    /// </summary>
    private TaskCompletionSource Drained =>
        LazyInitializer.EnsureInitialized(ref _drained, static () => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Whether an acquisition is running (a trimmed connection must have none: callers wait on it).</summary>
    public bool IsBusy => Volatile.Read(ref _running) > 0;

    /// <summary>
    /// Retires a connection that was dropped: the acquisitions running complete for their callers (never cancelled),
    /// the default slot's staleness timer is released and its API usage is no longer reported. A connection reloaded
    /// or removed also refuses new acquisitions (its settings are outdated or gone); one trimmed or evicted from the
    /// cache does not: a caller that found it just before, or whose request is in flight and must renew its session on
    /// a 401, still gets a token with its settings, which are current.
    /// </summary>
    /// <param name="refuseAcquisitions">Whether new acquisitions are refused (reloaded or removed).</param>
    /// <returns>A task that completes when no acquisition is running any more.</returns>
    public Task RetireAsync(bool refuseAcquisitions = true)
    {
        _metrics.Untrack(ApiUsage);
        DefaultEntry.Current?.DisarmStaleTimer();
        if (!refuseAcquisitions)
        {
            return Task.CompletedTask;
        }

        // Full fences on both sides: either this sees no acquisition running, or the last one sees the flag.
        Interlocked.Exchange(ref _retired, 1);
        if (Interlocked.CompareExchange(ref _running, 0, 0) == 0)
        {
            Drained.TrySetResult();
        }

        return Drained.Task;
    }

    /// <summary>Gets a usable token: from the cache when fresh or stale-but-valid, otherwise from the one acquisition in flight.</summary>
    /// <param name="entry">The slot.</param>
    /// <param name="cancellationToken">Stops this caller's wait (never the shared acquisition).</param>
    /// <returns>The token.</returns>
    public ValueTask<CachedToken> GetAsync(TokenCacheEntry entry, CancellationToken cancellationToken)
    {
        var current = entry.Current;
        if (current is not null)
        {
            if (!current.MayBeStale)
            {
                // The hottest path: before the staleness timer fires the token is fresh, without reading the clock.
                if (_metrics.CacheLookups.Enabled)
                {
                    _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "hit"), new("salesforce.cache.level", "memory"));
                }

                return new ValueTask<CachedToken>(current);
            }

            var now = _timeProvider.GetUtcNow();
            if (now < current.RefreshAt)
            {
                // The hot path: without a listener, Add would do nothing after building its tags.
                if (_metrics.CacheLookups.Enabled)
                {
                    _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "hit"), new("salesforce.cache.level", "memory"));
                }

                return new ValueTask<CachedToken>(current);
            }

            if (current.HardExpiry is not { } hard || now < hard)
            {
                _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "stale"), new("salesforce.cache.level", "memory"));
                TryStartBackgroundRefresh(entry, now);
                return new ValueTask<CachedToken>(current);
            }
        }

        _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "miss"), new("salesforce.cache.level", "memory"));
        return new ValueTask<CachedToken>(JoinOrStart(entry).WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Replaces a token Salesforce rejected: evicts <paramref name="rejected"/> if it is still the cached token, and
    /// returns the token that replaces it — one already obtained by a concurrent renewal, the one in flight, or a new one.
    /// </summary>
    /// <param name="entry">The slot.</param>
    /// <param name="rejected">The token Salesforce rejected.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The replacement.</returns>
    public Task<CachedToken> RenewAsync(TokenCacheEntry entry, SalesforceToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        (Task<CachedToken> Task, bool Evicted) renewal;
        while (true)
        {
            entry = Live(entry);
            lock (entry.Gate)
            {
                if (IsEvictedPerRequest(entry))
                {
                    // Evicted between the two reads: the key's live slot serves.
                    continue;
                }

                renewal = RenewLocked(entry, rejected);
                break;
            }
        }

        if (renewal.Evicted)
        {
            RemoveFromSecondLevel(entry, rejected);
        }

        return renewal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The renewal of <see cref="RenewAsync"/>, under the slot's gate.</summary>
    /// <returns>The replacement, and whether the rejected token was still the slot's (to remove from the distributed cache too).</returns>
    private (Task<CachedToken> Task, bool Evicted) RenewLocked(TokenCacheEntry entry, SalesforceToken rejected)
    {
        var current = entry.Current;
        if (current is not null && !IsSame(current.Token, rejected))
        {
            // A concurrent request already renewed the session: use its token, make no request.
            return (Task.FromResult(current), false);
        }

        // Marked before joining: an acquisition already in flight (a background refresh, which had nothing to
        // reject when it began) must not hand this token back from the distributed cache either.
        entry.RejectedAccessToken = rejected.AccessToken;
        if (current is not null)
        {
            current.DisarmStaleTimer();
            entry.Current = null;
            Log.TokenEvicted(_logger, Name);
        }

        return (entry.Inflight ?? StartLocked(entry), true);
    }

    /// <summary>
    /// <see cref="RenewAsync"/> for a session Salesforce ended (the handler's <c>401 INVALID_SESSION_ID</c>, a gRPC
    /// <c>UNAUTHENTICATED</c>, a caller of <see cref="ISalesforceTokenProvider.RenewTokenAsync"/>): one span and one count
    /// of <see cref="SalesforceTelemetry.SessionRenewals"/> per renewal, whoever asks.
    /// </summary>
    /// <param name="entry">The slot.</param>
    /// <param name="rejected">The token Salesforce rejected.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The replacement.</returns>
    public async Task<CachedToken> RenewSessionAsync(TokenCacheEntry entry, SalesforceToken rejected, CancellationToken cancellationToken)
    {
        CachedToken renewed;
        using (var activity = SalesforceMetrics.ActivitySource.StartActivity("SalesforceAuth.RenewSession", ActivityKind.Internal))
        {
            activity?.SetTag("salesforce.client", Name);
            activity?.SetTag("salesforce.flow", Options.Flow.ToString());
            renewed = await RenewAsync(entry, rejected, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("salesforce.instance.changed", !string.Equals(renewed.Token.InstanceUrl.Authority, rejected.InstanceUrl.Authority, StringComparison.OrdinalIgnoreCase));
        }

        _metrics.SessionRenewals.Add(1, FlowTag);
        return renewed;
    }

    /// <summary>Evicts <paramref name="token"/> if it is still the cached token of the slot (compare-and-evict).</summary>
    /// <param name="entry">The slot.</param>
    /// <param name="token">The token to evict.</param>
    /// <returns><see langword="true"/> when it was evicted.</returns>
    public bool Invalidate(TokenCacheEntry entry, SalesforceToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        entry = Live(entry);
        bool evicted;
        lock (entry.Gate)
        {
            evicted = entry.Current is { } current && IsSame(current.Token, token);
            if (evicted)
            {
                entry.RejectedAccessToken = token.AccessToken;
                entry.Current!.DisarmStaleTimer();
                entry.Current = null;
            }
        }

        RemoveFromSecondLevel(entry, token);

        if (evicted)
        {
            Log.TokenEvicted(_logger, Name);
        }

        return evicted;
    }

    /// <summary>Stops background work and abandons acquisitions in flight.</summary>
    public void Dispose()
    {
        // The provider is reachable through two service registrations, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Cancelled, not disposed: late background work may still read the token and must see it cancelled.
            _lifetime.Cancel();
            _metrics.Untrack(ApiUsage);
        }
    }

    /// <summary>
    /// As <see cref="Dispose"/>, then waits (at most <see cref="ShutdownWait"/>) for the acquisitions still running to end:
    /// one that has its token finishes storing it in the distributed cache and releases the fleet lock, so the other
    /// instances are not left waiting for a lock nobody holds.
    /// </summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (Volatile.Read(ref _running) == 0)
        {
            Drained.TrySetResult();
        }

        try
        {
            await Drained.Task.WaitAsync(ShutdownWait, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Shutting down regardless: a lock left behind expires by itself.
        }
    }

    private static bool IsSame(SalesforceToken a, SalesforceToken b) =>
        ReferenceEquals(a, b) || string.Equals(a.AccessToken, b.AccessToken, StringComparison.Ordinal);

    private static bool IsRejected(TokenCacheEntry entry, SalesforceToken token) =>
        string.Equals(entry.RejectedAccessToken, token.AccessToken, StringComparison.Ordinal);

    /// <summary>
    /// Removes a rejected token from the distributed cache (if it is still the stored one), so that no other instance
    /// takes it from there. Not awaited: a renewal does not wait for the store, which never throws.
    /// </summary>
    private void RemoveFromSecondLevel(TokenCacheEntry entry, SalesforceToken token)
    {
        if (_secondLevel is not null)
        {
            _ = _secondLevel.RemoveAsync(entry.Key, token, _lifetime.Token).AsTask();
        }
    }

    private Task<CachedToken> JoinOrStart(TokenCacheEntry entry)
    {
        while (true)
        {
            entry = Live(entry);
            lock (entry.Gate)
            {
                if (IsEvictedPerRequest(entry))
                {
                    // Evicted between the two reads: the key's live slot serves.
                    continue;
                }

                if (entry.Inflight is { } running)
                {
                    return running;
                }

                // A concurrent caller may have finished an acquisition between our cache read and the lock.
                if (entry.Current is { } current && (current.HardExpiry is not { } hard || _timeProvider.GetUtcNow() < hard))
                {
                    return Task.FromResult(current);
                }

                return StartLocked(entry);
            }
        }
    }

    /// <summary>
    /// Whether a per-request slot left the cache (least recently used, idle, or its connection reloaded or removed).
    /// A caller that found it just before still has it; an acquisition started on it would be a second one for the key
    /// (the next caller creates a new slot), so new acquisitions go to the key's live slot. A connection's own slot is
    /// the connection's: its manager decides (see <see cref="RetireAsync"/>).
    /// </summary>
    private static bool IsEvictedPerRequest(TokenCacheEntry entry) => entry.Evicted && entry.Owner is null && !entry.Pinned && entry.Request is not null;

    /// <summary>The slot a renewal or an acquisition must use: the key's live one when <paramref name="entry"/> was evicted.</summary>
    private TokenCacheEntry Live(TokenCacheEntry entry) => IsEvictedPerRequest(entry) ? _cache.GetEntry(entry.Key, entry.Request) : entry;

    private void TryStartBackgroundRefresh(TokenCacheEntry entry, DateTimeOffset now)
    {
        // A slot out of the cache is not renewed in the background: its callers have their token, the next ones the live slot.
        if (now.UtcTicks < entry.NextBackgroundAttemptTicks || entry.Inflight is not null || entry.Evicted)
        {
            return;
        }

        Task<CachedToken> task;
        lock (entry.Gate)
        {
            if (entry.Inflight is not null || now.UtcTicks < entry.NextBackgroundAttemptTicks)
            {
                return;
            }

            entry.NextBackgroundAttemptTicks = (now + FailedRefreshRetryDelay).UtcTicks;
            task = StartLocked(entry);
        }

        Log.BackgroundRefreshStarted(_logger, Name);
        _ = ObserveBackgroundRefreshAsync(task);
    }

    private async Task ObserveBackgroundRefreshAsync(Task<CachedToken> task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed background refresh must never escape: the current token keeps serving.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.BackgroundRefreshFailed(_logger, Name, FailedRefreshRetryDelay, ex);
        }
    }

    private Task<CachedToken> StartLocked(TokenCacheEntry entry)
    {
        if (Volatile.Read(ref _retired) == 1)
        {
            // A caller that found the connection just before it was reloaded or removed: its settings and signing key
            // are being released. Sending again resolves the connection anew.
            return Task.FromException<CachedToken>(new ObjectDisposedException(Name, $"The Salesforce connection '{Name}' was reloaded or removed while the request was being prepared; send it again."));
        }

        // Waiters' continuations run inline when the task completes, but never on the acquisition's own thread: Complete
        // hands the completion to a pool thread of its own (one hop for all waiters, not a queued work item each).
        var completion = new TaskCompletionSource<CachedToken>();
        entry.Inflight = completion.Task;
        Interlocked.Increment(ref _running);

        // Run outside the caller's lock and synchronization context; the acquisition completes the shared task. Queued
        // to this thread's local queue when it is a pool thread, so it starts next, not behind a burst of callers
        // (10,000 cold callers would otherwise each run before the token request is even sent).
        ThreadPool.QueueUserWorkItem(static state => _ = state.Manager.AcquireAsync(state.Entry, state.Completion), new Acquisition(this, entry, completion), preferLocal: true);
        return completion.Task;
    }

    /// <summary>
    /// Completes an acquisition's shared task on another pool thread: a burst of waiters is served there, inline and in
    /// order, while the acquisition goes on to share the token with other instances and release the fleet lock.
    /// </summary>
    private static void Complete(TaskCompletionSource<CachedToken> completion, CachedToken? token, Exception? error) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                if (state.Error is null)
                {
                    state.Completion.TrySetResult(state.Token!);
                }
                else
                {
                    state.Completion.TrySetException(state.Error);
                }
            },
            (Completion: completion, Token: token, Error: error),
            preferLocal: false);

    private readonly record struct Acquisition(SalesforceTokenManager Manager, TokenCacheEntry Entry, TaskCompletionSource<CachedToken> Completion);

    private async Task AcquireAsync(TokenCacheEntry entry, TaskCompletionSource<CachedToken> completion)
    {
        var cancellationToken = _lifetime.Token;
        IAsyncDisposable? fleetLock = null;
        try
        {
            SalesforceToken? token = null;
            if (_secondLevel is not null)
            {
                token = await TryReadSecondLevelAsync(entry, countLookup: true, cancellationToken).ConfigureAwait(false);
                if (token is null)
                {
                    // While another instance holds the lock, watch the cache for its token.
                    fleetLock = await _secondLevel.TryLockAsync(
                        entry.Key,
                        async ct => (token = await TryReadSecondLevelAsync(entry, countLookup: false, ct).ConfigureAwait(false)) is not null,
                        cancellationToken).ConfigureAwait(false);
                    if (fleetLock is not null)
                    {
                        // Another instance may have stored a token and released the lock between our read and the lock.
                        token = await TryReadSecondLevelAsync(entry, countLookup: true, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var fromSource = false;
            CachedToken cached;
            while (true)
            {
                if (token is null)
                {
                    fromSource = true;
                    var started = _timeProvider.GetTimestamp();
                    token = await _source().RequestTokenAsync(entry.Request, cancellationToken).ConfigureAwait(false);
                    Log.TokenAcquired(_logger, Name, token.InstanceUrl.Host, _timeProvider.GetElapsedTime(started));
                    if (token.ObtainedAt == default)
                    {
                        token = TokenCopy.WithObtainedAt(token, _timeProvider.GetUtcNow());
                    }
                }

                var cachedAt = _timeProvider.GetUtcNow();
                cached = CachedToken.Create(token, Options.SessionLifetime, cachedAt, Random.Shared.NextDouble());
                cached.ArmStaleTimer(_timeProvider, cachedAt);
                lock (entry.Gate)
                {
                    // Checked where renewals mark a rejection: a token read from the distributed cache before Salesforce
                    // rejected it (a renewal joined this acquisition meanwhile) is never handed out; Salesforce is asked.
                    if (fromSource || !IsRejected(entry, token))
                    {
                        entry.Current?.DisarmStaleTimer();
                        entry.Current = cached;
                        entry.Inflight = null;
                        entry.NextBackgroundAttemptTicks = 0;
                        if (entry.Evicted)
                        {
                            // Its connection was dropped meanwhile: the token serves this acquisition's callers by the
                            // exact clock comparison, and no timer keeps it alive once they are done.
                            cached.DisarmStaleTimer();
                        }

                        break;
                    }
                }

                cached.DisarmStaleTimer();
                token = null;
            }

            Complete(completion, cached, null);

            if (fromSource)
            {
                if (_secondLevel is not null)
                {
                    // Not cancelled by shutdown (the write is bounded by the store's operation timeout): the other
                    // instances are waiting for this token, and DisposeAsync waits for it.
                    await _secondLevel.SetAsync(entry.Key, token, cached.HardExpiry ?? cached.RefreshAt, CancellationToken.None).ConfigureAwait(false);
                }

                // After the shared write, so the refined entry is never overwritten by the first one. Not awaited: the
                // token is out already, and the fleet lock is released without waiting for introspection.
                _ = RefineExpiryAsync(entry, cached);
            }
        }
#pragma warning disable CA1031 // The failure is handed to every waiter through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (entry.Gate)
            {
                entry.Inflight = null;
            }

            Complete(completion, null, ex);
        }
        finally
        {
            try
            {
                if (fleetLock is not null)
                {
                    await fleetLock.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                if (Interlocked.Decrement(ref _running) == 0 && (Volatile.Read(ref _disposed) == 1 || Volatile.Read(ref _retired) == 1))
                {
                    Drained.TrySetResult();
                }
            }
        }
    }

    /// <summary>
    /// Learns the real expiry of a token just handed out (introspection, with a consumer secret) and swaps it into the
    /// slot and the distributed cache, without a token request: waiting for introspection before handing the token out
    /// would make every cold acquisition two round trips. Until then the session lifetime estimate serves.
    /// </summary>
    private async Task RefineExpiryAsync(TokenCacheEntry entry, CachedToken cached)
    {
        SalesforceToken? refined;
        try
        {
            refined = await _source().RefineExpiryAsync(cached.Token, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Refinement only improves an estimate: it never fails anything, the estimate stays.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.IntrospectionFailed(_logger, ex.GetType().Name, ex);
            return;
        }

        if (refined is null)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var replacement = CachedToken.Create(refined, Options.SessionLifetime, now, Random.Shared.NextDouble());
        lock (entry.Gate)
        {
            // Renewed, evicted or rejected meanwhile: the refinement is about a token the slot no longer serves.
            if (!ReferenceEquals(entry.Current, cached) || _lifetime.IsCancellationRequested || entry.Evicted)
            {
                return;
            }

            replacement.ArmStaleTimer(_timeProvider, now);
            cached.DisarmStaleTimer();
            entry.Current = replacement;
        }

        if (_secondLevel is not null)
        {
            await _secondLevel.SetAsync(entry.Key, refined, replacement.HardExpiry ?? replacement.RefreshAt, _lifetime.Token).ConfigureAwait(false);
        }

        Log.TokenExpiryRefined(_logger, Name, refined.ExpiresAt);
    }

    private async Task<SalesforceToken?> TryReadSecondLevelAsync(TokenCacheEntry entry, bool countLookup, CancellationToken cancellationToken)
    {
        var token = await _secondLevel!.TryGetAsync(entry.Key, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            // The reads made while waiting for another instance's lock are not lookups of their own.
            if (countLookup)
            {
                _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "miss"), new("salesforce.cache.level", "distributed"));
            }

            return null;
        }

        // A token another instance stored is only useful if it is not the one Salesforce just rejected, and not already
        // due for renewal (then this instance renews it, and shares the result).
        var now = _timeProvider.GetUtcNow();
        var cached = CachedToken.Create(token, Options.SessionLifetime, now, 0);
        if (IsRejected(entry, token) || now >= cached.RefreshAt)
        {
            if (countLookup)
            {
                _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "stale"), new("salesforce.cache.level", "distributed"));
            }

            return null;
        }

        _metrics.CacheLookups.Add(1, new("salesforce.cache.result", "hit"), new("salesforce.cache.level", "distributed"));
        return token;
    }
}
