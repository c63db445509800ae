using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth;

/// <summary>
/// Obtains Salesforce access tokens for one connection: builds and signs the assertion (or the client credentials,
/// refresh or token exchange request), posts it to <c>/services/oauth2/token</c>, and returns the token with its
/// <c>instance_url</c>. Failures surface as <see cref="SalesforceAuthenticationException"/> types with a diagnosis.
/// This is the uncached core; the caching handler registered through dependency injection uses it.
/// </summary>
public sealed class SalesforceTokenClient
{
    /// <summary>Creates a token client.</summary>
    /// <param name="httpClient">The back-channel client for the token endpoint (automatic redirects must be off).</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="meterFactory">Metrics; a private meter by default.</param>
    public SalesforceTokenClient(HttpClient httpClient, SalesforceClientOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        throw new NotImplementedException("Issue 2 delivers the token client.");
    }

    /// <summary>Requests a new token, with per-request overrides.</summary>
    /// <param name="request">Overrides of the configured principal or tokens; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with its <c>instance_url</c>.</returns>
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("Issue 2 delivers the token client.");
}
