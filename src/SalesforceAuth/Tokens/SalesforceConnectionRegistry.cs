using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Caching;
using SalesforceAuth.Tokens.Endpoint;
using SalesforceAuth.Tokens.Refresh;

namespace SalesforceAuth.Tokens;

/// <summary>
/// The connections of a service by id: configured ones (<c>AddSalesforceClient(name)</c>, pinned) and those resolved at
/// run time by the <see cref="ISalesforceConnectionResolver"/>, each resolved once (concurrent first calls share one
/// resolution) and held with its own token manager until it is reloaded or removed, or until the first-level cache
/// drops its own token's slot (idle for <see cref="SalesforceConnectionsOptions.IdleTimeout"/>, or least recently used
/// beyond <see cref="SalesforceConnectionsOptions.MaxCachedTokens"/>): the connection is that slot's
/// <see cref="ITokenSlotOwner"/>, so one bound covers tokens and connections. A dropped connection's acquisitions in
/// flight complete for their callers; then its signing key is disposed.
/// </summary>
internal sealed class SalesforceConnectionRegistry : ISalesforceConnections, IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly SalesforceTokenProvider _provider;
    private readonly SalesforceClientRegistry _configured;
    private readonly ISalesforceConnectionResolver? _resolver;
    private readonly SalesforceTokenCache _cache;
    private readonly TokenClientRegistry _clients;
    private readonly SalesforceMetrics _metrics;
    private readonly ITokenSecondLevel? _secondLevel;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILogger _tokenLogger;
    private readonly CancellationTokenSource _lifetime = new();
    private int _resolvedCount;

    /// <summary>Creates the registry.</summary>
    /// <param name="provider">The configured connections.</param>
    /// <param name="configured">Their names.</param>
    /// <param name="cache">The process-wide first level (per-user slots).</param>
    /// <param name="clients">Creates the token clients of resolved connections.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="timeProvider">The clock of idle times.</param>
    /// <param name="resolver">The resolver, when registered.</param>
    /// <param name="loggerFactory">Logging, when registered.</param>
    /// <param name="secondLevel">The distributed level, when configured.</param>
    public SalesforceConnectionRegistry(
        SalesforceTokenProvider provider,
        IOptions<SalesforceClientRegistry> configured,
        SalesforceTokenCache cache,
        TokenClientRegistry clients,
        SalesforceMetrics metrics,
        TimeProvider timeProvider,
        ISalesforceConnectionResolver? resolver = null,
        ILoggerFactory? loggerFactory = null,
        ITokenSecondLevel? secondLevel = null)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _provider = provider;
        _configured = configured.Value;
        _resolver = resolver;
        _cache = cache;
        _clients = clients;
        _metrics = metrics;
        _secondLevel = secondLevel;
        _timeProvider = timeProvider;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("SalesforceAuth.Connections");
        _tokenLogger = loggerFactory.CreateLogger("SalesforceAuth.Tokens");
    }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _resolvedCount);

    /// <summary>Gets the manager of a connection already held, without waiting: the handler's hot path.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="manager">The manager.</param>
    /// <returns><see langword="true"/> when the connection is held and resolved.</returns>
    public bool TryGetManager(string connectionId, [NotNullWhen(true)] out SalesforceTokenManager? manager)
    {
        if (_slots.TryGetValue(connectionId, out var slot) && slot.Manager is { } held)
        {
            if (!slot.Pinned)
            {
                // The least-recently-used touch: a plain store on the connection's own slot, whoever the request acts as.
                held.DefaultEntry.LastUsedTimestamp = _timeProvider.GetTimestamp();
            }

            manager = held;
            return true;
        }

        manager = null;
        return false;
    }

    /// <summary>Gets the manager of a connection, resolving it first when it is not held.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Stops this caller's wait (never the shared resolution).</param>
    /// <returns>The manager.</returns>
    /// <exception cref="SalesforceConfigurationException">No such connection, or its settings are invalid.</exception>
    public ValueTask<SalesforceTokenManager> GetManagerAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        return TryGetManager(connectionId, out var manager)
            ? new ValueTask<SalesforceTokenManager>(manager)
            : new ValueTask<SalesforceTokenManager>(ResolveAsync(connectionId, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<SalesforceToken> GetTokenAsync(string connectionId, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default)
    {
        var manager = await GetManagerAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return (await manager.GetAsync(manager.GetEntry(request), cancellationToken).ConfigureAwait(false)).Token;
    }

    /// <inheritdoc />
    public bool Reload(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (!TryDetach(connectionId, out var slot))
        {
            return false;
        }

        Log.ConnectionReloaded(_logger, connectionId);
        _cache.RemoveResolved(connectionId, slot.Connection);
        _ = ReleaseAsync(slot);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string connectionId, bool revokeTokens = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (!TryDetach(connectionId, out var slot))
        {
            return false;
        }

        var dropped = _cache.RemoveResolved(connectionId, slot.Connection);
        var revoked = 0;
        try
        {
            if (revokeTokens && slot.Connection is { } connection)
            {
                revoked = await RevokeAsync(connection, dropped, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Log.ConnectionRemoved(_logger, connectionId, revoked);
            _ = ReleaseAsync(slot);
        }

        return true;
    }

    /// <summary>
    /// Drops every idle cached token now, resolved connections with their own (the first-level cache's timer does it
    /// every quarter of the idle timeout; called by tests and the tenants probe).
    /// </summary>
    internal void Trim() => _cache.TrimIdle();

    /// <inheritdoc />
    public void Dispose()
    {
        _lifetime.Cancel();
        foreach (var slot in _slots.Values)
        {
            if (!slot.Pinned && slot.Manager is { } manager)
            {
                manager.Dispose();
            }
        }
    }

    /// <summary>Disposes the resolved connections, waiting briefly for their acquisitions (as the configured ones do).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        _lifetime.Cancel();
        foreach (var slot in _slots.Values)
        {
            if (!slot.Pinned && slot.Manager is { } manager)
            {
                await manager.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RevokeAsync(ResolvedConnection connection, List<TokenCacheEntry> dropped, CancellationToken cancellationToken)
    {
        // The connection's own slot is among the dropped ones unless the cache had let it go already.
        var tokens = new List<string>();
        foreach (var entry in dropped.Append(connection.Manager.DefaultEntry).Distinct())
        {
            if (entry.Current is { } current)
            {
                tokens.Add(current.Token.AccessToken);
            }
        }

        if (connection.Options.Flow == SalesforceFlow.RefreshToken)
        {
            // Revoking the refresh token ends every session issued from it, here and on other instances (Salesforce Help,
            // "Revoke OAuth Tokens": https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5).
            var refreshToken = connection.RefreshTokenStore is { } store
                ? await store.GetAsync(cancellationToken).ConfigureAwait(false)
                : connection.Options.RefreshToken;
            if (!string.IsNullOrEmpty(refreshToken))
            {
                tokens.Add(refreshToken);
            }
        }

        await connection.RevokeAsync(tokens, cancellationToken).ConfigureAwait(false);
        return tokens.Count;
    }

    private async Task<SalesforceTokenManager> ResolveAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (_configured.Names.Contains(connectionId))
        {
            // A configured connection: its manager is the provider's, pinned here so the next lookup is the fast one.
            var configured = _provider.GetManager(connectionId);
            _slots.TryAdd(connectionId, new Slot(configured));
            return configured;
        }

        if (_resolver is null)
        {
            throw new SalesforceConfigurationException($"No Salesforce connection is named '{connectionId}': call services.AddSalesforceClient(\"{connectionId}\"), or register a resolver with services.AddSalesforceConnections(...).");
        }

        var fresh = new Slot();
        var slot = _slots.GetOrAdd(connectionId, fresh);
        if (ReferenceEquals(slot, fresh))
        {
            // This caller won: it starts the one resolution every concurrent caller waits for. Run under the registry's
            // lifetime, not this caller's: a caller that gives up must not fail the others.
            _ = ResolveCoreAsync(connectionId, fresh);
        }

        // The resolution's task is dropped once the manager is set (a held tenant keeps no task): read the manager first.
        var manager = slot.Manager
            ?? (slot.Resolution is { } resolution ? await resolution.Task.WaitAsync(cancellationToken).ConfigureAwait(false) : slot.Manager!);
        manager.DefaultEntry.LastUsedTimestamp = _timeProvider.GetTimestamp();
        return manager;
    }

    private async Task ResolveCoreAsync(string connectionId, Slot slot)
    {
        try
        {
            var settings = await _resolver!.ResolveAsync(connectionId, _lifetime.Token).ConfigureAwait(false)
                ?? throw new SalesforceConfigurationException($"No Salesforce connection has the id '{connectionId}': the connection resolver returned no settings for it.");

            // The same rules as a connection configured at startup, the signing key loaded once; the message names the
            // connection, so one bad tenant is a clear error for its own calls only.
            var options = settings.Options;
            SalesforceClientOptionsValidator.ValidateResolved(connectionId, options, settings.RefreshTokenStore is not null);
            var connection = new ResolvedConnection(connectionId, settings, this, slot);
            slot.Counted = 1;
            Interlocked.Increment(ref _resolvedCount);
            slot.Connection = connection;
            if (!_slots.TryGetValue(connectionId, out var current) || !ReferenceEquals(current, slot))
            {
                // Reloaded or removed while it was being resolved: the waiters still get it, it is not held.
                Uncount(slot);
            }

            Log.ConnectionResolved(_logger, connectionId, options.Flow, options.LoginUrl.Host);
            slot.Resolution?.TrySetResult(connection.Manager);
            slot.Resolution = null;
            if (Volatile.Read(ref slot.Counted) == 1)
            {
                // Held: its own slot enters the first level, counted against the cap, and the connection goes with it.
                // After the waiters were released (they continue elsewhere), as this may run an eviction sweep. A
                // connection reloaded just before this line leaves a slot whose release finds it gone: the cache drops
                // the slot when it is idle or least recently used, like any other.
                _cache.Admit(connection.Manager.DefaultEntry, connection);
            }
        }
#pragma warning disable CA1031 // The failure goes to every waiter through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Not cached: the next call asks the resolver again (the tenant's settings may be fixed meanwhile).
            _slots.TryRemove(new KeyValuePair<string, Slot>(connectionId, slot));
            Log.ConnectionResolveFailed(_logger, connectionId, ex);
            slot.Resolution?.TrySetException(ex);
        }
    }

    private bool TryDetach(string connectionId, [NotNullWhen(true)] out Slot? slot)
    {
        if (_slots.TryGetValue(connectionId, out slot) && !slot.Pinned && Detach(connectionId, slot))
        {
            return true;
        }

        slot = null;
        return false;
    }

    private bool Detach(string connectionId, Slot slot)
    {
        if (!_slots.TryRemove(new KeyValuePair<string, Slot>(connectionId, slot)))
        {
            return false;
        }

        Uncount(slot);
        return true;
    }

    /// <summary>Takes a slot out of <see cref="Count"/> exactly once, whichever of detaching and resolving sees it last.</summary>
    private void Uncount(Slot slot)
    {
        if (Interlocked.Exchange(ref slot.Counted, 0) == 1)
        {
            Interlocked.Decrement(ref _resolvedCount);
        }
    }

    /// <summary>
    /// Retires a dropped connection: its acquisitions in flight complete for their callers (each disposes the signing
    /// key it loaded), its slot's timer is released. A connection dropped while it was still being resolved is left to
    /// the garbage collector (its waiters get it, nothing else holds it).
    /// </summary>
    private static Task ReleaseAsync(Slot slot) => slot.Connection is { } connection ? connection.Manager.RetireAsync(refuseAcquisitions: true) : Task.CompletedTask;

    /// <summary>
    /// A connection resolved at run time: its settings and token manager. Its token client (the HTTP pipeline, retry
    /// strategy and signing key: several KB) lives only for the acquisition that needs it, so a tenant between
    /// acquisitions holds its token and settings only, and its signing key is disposed as soon as the token is obtained.
    /// The exception is the refresh token flow without a store: the client holds the chain's current refresh token,
    /// which rotation may have replaced, so it is kept while the connection is.
    /// </summary>
    private sealed class ResolvedConnection : ISalesforceTokenSource, ITokenSlotOwner
    {
        private readonly string _id;
        private readonly SalesforceConnectionSettings _settings;
        private readonly SalesforceConnectionRegistry _registry;
        private readonly Slot _slot;
        private readonly bool _keepClient;
        private readonly InMemoryRefreshTokenStore? _memory;
        private SalesforceTokenClient? _kept;

        public ResolvedConnection(string connectionId, SalesforceConnectionSettings settings, SalesforceConnectionRegistry registry, Slot slot)
        {
            _id = connectionId;
            _settings = settings;
            _registry = registry;
            _slot = slot;
            _keepClient = settings.Options.Flow == SalesforceFlow.RefreshToken && settings.RefreshTokenStore is null;

            // The chain's current refresh token, which rotation may have replaced: what removing the tenant revokes.
            _memory = _keepClient ? new InMemoryRefreshTokenStore(settings.Options.RefreshToken) : null;
            Manager = new SalesforceTokenManager(
                connectionId,
                settings.Options,
                () => this,
                registry._cache,
                registry._timeProvider,
                registry._tokenLogger,
                registry._metrics,
                registry._secondLevel,
                resolved: true);
        }

        public SalesforceTokenManager Manager { get; }

        /// <summary>
        /// Drops the connection with its own slot (idle or least recently used): not while one of its acquisitions is in
        /// flight, and never once its refresh token rotated with no store to keep it. Its settings are current, so a
        /// caller that found it just before still gets a token.
        /// </summary>
        public bool TryRelease()
        {
            // The only copy of the rotated refresh token is in memory: resolved again, the tenant would present the
            // resolver's old one, which Salesforce takes for a reused token and answers by revoking the whole chain
            // (Salesforce Help, "Refresh Token Rotation", https://help.salesforce.com/s/articleView?id=005316711&type=1).
            // Kept until it is reloaded or removed; a tenant with an ISalesforceRefreshTokenStore has no such limit.
            if (Manager.IsBusy || (_memory is { } memory && !string.Equals(memory.Current, _settings.Options.RefreshToken, StringComparison.Ordinal)))
            {
                return false;
            }

            // Already detached when it was reloaded or removed meanwhile: then only the slot was left.
            _registry.Detach(_id, _slot);
            _ = Manager.RetireAsync(refuseAcquisitions: false);
            return true;
        }

        public ISalesforceRefreshTokenStore? RefreshTokenStore => _settings.RefreshTokenStore ?? _memory;

        public SalesforceClientOptions Options => _settings.Options;

        public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
        {
            var client = Client();
            try
            {
                return await client.RequestTokenAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!_keepClient)
                {
                    client.ReleaseSigningKey();
                }
            }
        }

        /// <summary>Revokes tokens with a client of this connection.</summary>
        public async Task RevokeAsync(IEnumerable<string> tokens, CancellationToken cancellationToken)
        {
            var client = Client();
            try
            {
                foreach (var token in tokens)
                {
                    await client.RevokeAsync(token, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!_keepClient)
                {
                    client.ReleaseSigningKey();
                }
            }
        }

        private SalesforceTokenClient Client()
        {
            if (!_keepClient)
            {
                return _registry._clients.CreateForResolved(_settings.Options, _settings.RefreshTokenStore, _registry._metrics);
            }

            // One client for the chain: its single-flight and rotation bookkeeping must see every refresh.
            return LazyInitializer.EnsureInitialized(ref _kept, () => _registry._clients.CreateForResolved(_settings.Options, _memory, _registry._metrics));
        }
    }

    /// <summary>One id's entry: a configured connection (pinned), or a resolved one (being resolved, then held).</summary>
    private sealed class Slot
    {
        /// <summary>1 while the slot counts in <see cref="Count"/>.</summary>
        public int Counted;

        private ResolvedConnection? _connection;
        private SalesforceTokenManager? _manager;
        private TaskCompletionSource<SalesforceTokenManager>? _resolution;

        /// <summary>A resolved connection's slot, resolving.</summary>
        public Slot()
        {
            _resolution = new TaskCompletionSource<SalesforceTokenManager>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        /// <summary>A configured connection's slot.</summary>
        /// <param name="configured">Its manager.</param>
        public Slot(SalesforceTokenManager configured)
        {
            _manager = configured;
            Pinned = true;
        }

        /// <summary>The resolution the first callers wait for; <see langword="null"/> once <see cref="Manager"/> is set.</summary>
        public TaskCompletionSource<SalesforceTokenManager>? Resolution
        {
            get => Volatile.Read(ref _resolution);
            set => Volatile.Write(ref _resolution, value);
        }

        public bool Pinned { get; }

        public SalesforceTokenManager? Manager => Volatile.Read(ref _manager);

        public ResolvedConnection? Connection
        {
            get => Volatile.Read(ref _connection);
            set
            {
                Volatile.Write(ref _connection, value);
                Volatile.Write(ref _manager, value?.Manager);
            }
        }

    }
}
