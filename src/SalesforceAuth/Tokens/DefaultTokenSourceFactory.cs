using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Tokens;

/// <summary>Creates token endpoint clients on the shared back-channel <see cref="HttpClient"/>.</summary>
internal sealed class DefaultTokenSourceFactory : ISalesforceTokenSourceFactory
{
    /// <summary>
    /// The named client for the token endpoint: no Salesforce handler on it (the handler must never call itself) and no
    /// automatic redirects (a 302 would turn the POST into a GET, reference §12).
    /// </summary>
    public const string BackchannelClientName = "SalesforceAuth.TokenEndpoint";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IMeterFactory? _meterFactory;

    /// <summary>Creates the factory.</summary>
    /// <param name="httpClientFactory">The HTTP client factory.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">Logging, when registered.</param>
    /// <param name="meterFactory">Metrics, when registered.</param>
    public DefaultTokenSourceFactory(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
    }

    /// <inheritdoc />
    public ISalesforceTokenSource Create(string name, SalesforceClientOptions options) =>
        new TokenClientSource(new SalesforceTokenClient(_httpClientFactory.CreateClient(BackchannelClientName), options, _timeProvider, _loggerFactory, _meterFactory));
}
