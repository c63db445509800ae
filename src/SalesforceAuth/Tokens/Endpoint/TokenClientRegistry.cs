using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// One <see cref="SalesforceTokenClient"/> per registered connection, on the shared back-channel client. One instance
/// matters for the refresh flow: its single-flight and rotation bookkeeping must see every refresh of the connection,
/// whether it comes from the cache or from a caller of <see cref="ISalesforceTokenProvider.GetTokenClient"/>.
/// </summary>
internal sealed class TokenClientRegistry
{
    /// <summary>The named back-channel client (<see cref="SalesforceTokenClient.HttpClientName"/>).</summary>
    public const string BackchannelClientName = SalesforceTokenClient.HttpClientName;

    private readonly ConcurrentDictionary<string, Lazy<SalesforceTokenClient>> _clients = new(StringComparer.Ordinal);
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IMeterFactory? _meterFactory;

    /// <summary>Creates the registry.</summary>
    /// <param name="httpClientFactory">The HTTP client factory.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="services">Resolves the refresh token store registered for a connection name.</param>
    /// <param name="loggerFactory">Logging, when registered.</param>
    /// <param name="meterFactory">Metrics, when registered.</param>
    public TokenClientRegistry(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, IServiceProvider services, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _services = services;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
    }

    /// <summary>Gets the client of a connection, creating it on first use (a creation failure is retried by the next call).</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="options">The connection's settings.</param>
    /// <returns>The client.</returns>
    public SalesforceTokenClient GetOrCreate(string name, SalesforceClientOptions options)
    {
        var lazy = _clients.GetOrAdd(name, n => new Lazy<SalesforceTokenClient>(() => Create(n, options), LazyThreadSafetyMode.PublicationOnly));
        return lazy.Value;
    }

    /// <summary>
    /// Creates a client for a connection resolved at run time, kept by that connection (not here) and dropped with it,
    /// on the shared back-channel client and the shared instruments.
    /// </summary>
    /// <param name="options">The connection's settings.</param>
    /// <param name="refreshTokenStore">The connection's refresh token store, or <see langword="null"/>.</param>
    /// <param name="metrics">The process-wide instruments.</param>
    /// <returns>The client.</returns>
    public SalesforceTokenClient CreateForResolved(SalesforceClientOptions options, ISalesforceRefreshTokenStore? refreshTokenStore, SalesforceMetrics metrics) =>
        new(_httpClientFactory.CreateClient(BackchannelClientName), options, _timeProvider, _loggerFactory, metrics, refreshTokenStore);

    private SalesforceTokenClient Create(string name, SalesforceClientOptions options) => new(
        _httpClientFactory.CreateClient(BackchannelClientName),
        options,
        _timeProvider,
        _loggerFactory,
        _meterFactory,
        _services.GetKeyedService<ISalesforceRefreshTokenStore>(name));
}
