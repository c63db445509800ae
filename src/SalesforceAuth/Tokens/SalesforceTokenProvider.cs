using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Caching;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tokens;

/// <summary>The singleton behind <see cref="ISalesforceTokenProvider"/> and the handlers: one manager per registered connection.</summary>
internal sealed class SalesforceTokenProvider : ISalesforceTokenProvider, IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SalesforceTokenManager>> _managers = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<SalesforceClientOptions> _options;
    private readonly SalesforceClientRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly SalesforceTokenCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SalesforceMetrics _metrics;
    private readonly ITokenSecondLevel? _secondLevel;
    private readonly TokenClientRegistry _clients;
    private int _disposedAsync;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The connection settings.</param>
    /// <param name="registry">The registered names.</param>
    /// <param name="services">Resolves the token source of a connection (its <see cref="SalesforceTokenClient"/> unless replaced).</param>
    /// <param name="cache">The first level.</param>
    /// <param name="clients">The token clients of the connections.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="loggerFactory">Logging, when registered.</param>
    /// <param name="secondLevel">The distributed level, when configured.</param>
    public SalesforceTokenProvider(
        IOptionsMonitor<SalesforceClientOptions> options,
        IOptions<SalesforceClientRegistry> registry,
        IServiceProvider services,
        SalesforceTokenCache cache,
        TokenClientRegistry clients,
        TimeProvider timeProvider,
        SalesforceMetrics metrics,
        ILoggerFactory? loggerFactory = null,
        ITokenSecondLevel? secondLevel = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _options = options;
        _registry = registry.Value;
        _services = services;
        _cache = cache;
        _clients = clients;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _secondLevel = secondLevel;
    }

    /// <summary>Gets the manager of a registered connection.</summary>
    /// <param name="clientName">The connection name.</param>
    /// <returns>The manager.</returns>
    /// <exception cref="InvalidOperationException">No connection has that name.</exception>
    public SalesforceTokenManager GetManager(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        if (_managers.TryGetValue(clientName, out var existing))
        {
            return existing.Value;
        }

        if (!_registry.Names.Contains(clientName))
        {
            throw new InvalidOperationException($"No Salesforce client named '{clientName}' is registered. Call services.AddSalesforceClient(\"{clientName}\") first.");
        }

        return _managers.GetOrAdd(clientName, name => new Lazy<SalesforceTokenManager>(() => CreateManager(name))).Value;
    }

    /// <inheritdoc />
    public async ValueTask<SalesforceToken> GetTokenAsync(string clientName, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default)
    {
        var manager = GetManager(clientName);
        return (await manager.GetAsync(manager.GetEntry(request), cancellationToken).ConfigureAwait(false)).Token;
    }

    /// <inheritdoc />
    public async ValueTask<SalesforceToken> RenewTokenAsync(string clientName, SalesforceToken rejectedToken, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rejectedToken);
        var manager = GetManager(clientName);
        return (await manager.RenewSessionAsync(manager.GetEntry(request), rejectedToken, cancellationToken).ConfigureAwait(false)).Token;
    }

    /// <inheritdoc />
    public SalesforceTokenClient GetTokenClient(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        if (!_registry.Names.Contains(clientName))
        {
            throw new InvalidOperationException($"No Salesforce client named '{clientName}' is registered. Call services.AddSalesforceClient(\"{clientName}\") first.");
        }

        return _clients.GetOrCreate(clientName, _options.Get(clientName));
    }

    /// <inheritdoc />
    public SalesforceApiUsage? GetApiUsage(string clientName) => GetManager(clientName).ApiUsage.Current;

    /// <inheritdoc />
    public bool InvalidateToken(string clientName, SalesforceToken token, SalesforceTokenRequest? request = null)
    {
        var manager = GetManager(clientName);
        return manager.Invalidate(manager.GetEntry(request), token);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var manager in _managers.Values)
        {
            if (manager.IsValueCreated)
            {
                manager.Value.Dispose();
            }
        }
    }

    /// <summary>Disposes the connections, waiting briefly for token acquisitions to store their tokens and release their locks.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        // Reachable through two service registrations: the container may dispose it twice; wait only once.
        if (Interlocked.Exchange(ref _disposedAsync, 1) != 0)
        {
            return;
        }

        foreach (var manager in _managers.Values)
        {
            if (manager.IsValueCreated)
            {
                await manager.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private SalesforceTokenManager CreateManager(string name)
    {
        var options = _options.Get(name);
        return new SalesforceTokenManager(
            name,
            options,
            () => _services.GetRequiredKeyedService<ISalesforceTokenSource>(name),
            _cache,
            _timeProvider,
            _loggerFactory.CreateLogger("SalesforceAuth.Tokens"),
            _metrics,
            _secondLevel);
    }
}
