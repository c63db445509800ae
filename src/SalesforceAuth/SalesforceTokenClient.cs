using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;

namespace SalesforceAuth;

/// <summary>
/// Obtains Salesforce access tokens for one connection: builds and signs the assertion (or the client credentials,
/// refresh or token exchange request), posts it to <c>/services/oauth2/token</c>, and returns the token with its
/// <c>instance_url</c>. Failures surface as <see cref="SalesforceAuthenticationException"/> types with a diagnosis.
/// This is the uncached core; the caching handler registered through dependency injection uses it.
/// </summary>
/// <example>
/// <code>
/// var options = new SalesforceClientOptions
/// {
///     ClientId = "3MVG9...",
///     Username = "integration@acme.com",
///     PrivateKeyPath = "/run/secrets/salesforce.key",
/// };
/// var tokens = new SalesforceTokenClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }), options);
/// try
/// {
///     SalesforceToken token = await tokens.RequestTokenAsync(cancellationToken: cancellationToken);
///     Console.WriteLine(token); // the access token is redacted; InstanceUrl is where to send API calls
/// }
/// catch (SalesforceAuthenticationException ex)
/// {
///     Console.WriteLine(ex.Diagnosis); // what happened, likely causes, how to fix it
/// }
/// </code>
/// </example>
/// <remarks>
/// Give it an <see cref="HttpClient"/> whose handler has automatic redirects off
/// (<c>new SocketsHttpHandler { AllowAutoRedirect = false }</c>): .NET turns a redirected POST into a GET, which
/// Salesforce refuses. Redirects (301, 302, 307, 308) are followed here, at most twice, and only to trusted
/// Salesforce hosts. Transient failures are retried with backoff; the caller's cancellation is never wrapped.
/// </remarks>
public sealed class SalesforceTokenClient
{
    private readonly TokenEndpointClient _endpoint;

    /// <summary>Creates a token client.</summary>
    /// <param name="httpClient">The back-channel client for the token endpoint (automatic redirects must be off).</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="meterFactory">Metrics; a private meter by default.</param>
    /// <exception cref="SalesforceConfigurationException">A setting is invalid or the signing key cannot be loaded; names the setting.</exception>
    public SalesforceTokenClient(HttpClient httpClient, SalesforceClientOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        SalesforceClientOptionsValidator.ThrowIfInvalid(options);
        var time = timeProvider ?? TimeProvider.System;
        var logger = (ILogger?)loggerFactory?.CreateLogger<SalesforceTokenClient>() ?? NullLogger.Instance;
        var metrics = meterFactory is null ? SalesforceMetrics.Shared : new SalesforceMetrics(meterFactory);
        var grant = TokenGrantFactory.Create(options, time, logger);
        Flow = grant.Flow;
        _endpoint = new TokenEndpointClient(httpClient, options, grant, time, logger, metrics, new ClockSkewTracker());
    }

    /// <summary>The flow this client uses.</summary>
    public SalesforceFlow Flow { get; }

    /// <summary>The token endpoint URL (<c>{LoginUrl}/services/oauth2/token</c>).</summary>
    public Uri TokenEndpoint => _endpoint.TokenEndpoint;

    /// <summary>
    /// The offset of Salesforce's clock from the local clock (server minus local) measured from the latest token
    /// endpoint response's <c>Date</c> header; <see langword="null"/> before the first response.
    /// </summary>
    public TimeSpan? ClockSkew => _endpoint.ClockSkew.MeasuredSkew;

    /// <summary>Requests a new token, with per-request overrides.</summary>
    /// <param name="request">Overrides of the configured principal or tokens; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with its <c>instance_url</c>.</returns>
    /// <exception cref="SalesforceAuthenticationException">Salesforce refused, or could not be reached within the retries and time budget.</exception>
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default) =>
        _endpoint.RequestTokenAsync(request, cancellationToken);
}
