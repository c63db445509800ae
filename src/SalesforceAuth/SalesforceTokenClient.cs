using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;
using SalesforceAuth.Tokens.Grants;
using SalesforceAuth.Tokens.Refresh;

namespace SalesforceAuth;

/// <summary>
/// Obtains Salesforce access tokens for one connection: builds and signs the assertion (or the client credentials,
/// refresh or token exchange request), posts it to <c>/services/oauth2/token</c>, and returns the token with its
/// <c>instance_url</c>. Failures surface as <see cref="SalesforceAuthenticationException"/> types with a diagnosis.
/// Also the token lifecycle: introspection, revocation, userinfo, and the assertion for diagnostics.
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
/// Salesforce hosts. Transient failures are retried with backoff (never for a refresh token request, which may have
/// rotated the token); the caller's cancellation is never wrapped.
/// </remarks>
public sealed class SalesforceTokenClient : ISalesforceTokenSource
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> that <c>AddSalesforceClient</c> uses for the token endpoint and the
    /// lifecycle calls (the back channel). Configure it to add a proxy or your own resilience:
    /// <c>services.AddHttpClient(SalesforceTokenClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(...)</c>. It
    /// never carries the Salesforce token handler (the handler must not call itself), and automatic redirects stay off
    /// on it: the token client re-POSTs a redirected request itself, to trusted hosts only, where .NET would turn the
    /// POST into a GET.
    /// </summary>
    public const string HttpClientName = "SalesforceAuth.TokenEndpoint";

    // Introspected expiry is Salesforce's clock and second-granular; the token is treated as expired this much earlier.
    internal static readonly TimeSpan IntrospectionSafetyMargin = TimeSpan.FromSeconds(60);

    private readonly SalesforceClientOptions _options;
    private readonly TokenEndpointClient _endpoint;
    private readonly TokenLifecycleClient _lifecycle;
    private readonly ITokenGrant _grant;
    private readonly RefreshTokenLifecycle? _refresh;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a token client.</summary>
    /// <param name="httpClient">The back-channel client for the token endpoint (automatic redirects must be off).</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="meterFactory">Metrics; a private meter by default.</param>
    /// <param name="refreshTokenStore">
    /// Where the refresh flow reads the current refresh token and saves rotated ones; by default in memory, seeded from
    /// <see cref="SalesforceClientOptions.RefreshToken"/>. Ignored by the other flows.
    /// </param>
    /// <exception cref="SalesforceConfigurationException">A setting is invalid or the signing key cannot be loaded; names the setting.</exception>
    public SalesforceTokenClient(HttpClient httpClient, SalesforceClientOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, ISalesforceRefreshTokenStore? refreshTokenStore = null)
        : this(httpClient, options, timeProvider, loggerFactory, meterFactory is null ? SalesforceMetrics.Shared : new SalesforceMetrics(meterFactory), refreshTokenStore)
    {
    }

    /// <summary>
    /// Creates a token client on existing instruments: a client per connection resolved at run time must not create
    /// instruments of its own (a meter keeps every instrument created on it).
    /// </summary>
    /// <param name="httpClient">The back-channel client.</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="refreshTokenStore">The refresh token store, or <see langword="null"/>.</param>
    internal SalesforceTokenClient(HttpClient httpClient, SalesforceClientOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, SalesforceMetrics metrics, ISalesforceRefreshTokenStore? refreshTokenStore)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        SalesforceClientOptionsValidator.ThrowIfInvalid(options, hasRefreshTokenStore: refreshTokenStore is not null);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger<SalesforceTokenClient>() ?? NullLogger.Instance;
        _grant = TokenGrantFactory.Create(options, _timeProvider, _logger);
        Flow = _grant.Flow;
        _endpoint = new TokenEndpointClient(httpClient, options, _grant, _timeProvider, _logger, metrics, new ClockSkewTracker());
        _lifecycle = new TokenLifecycleClient(httpClient, options, _endpoint, _timeProvider, _logger, metrics);
        if (Flow == SalesforceFlow.RefreshToken)
        {
            _refresh = new RefreshTokenLifecycle(options, refreshTokenStore ?? new InMemoryRefreshTokenStore(options.RefreshToken), _endpoint.RequestTokenAsync, _timeProvider, _logger, metrics, CompleteAsync);
        }
    }

    /// <summary>The flow this client uses.</summary>
    public SalesforceFlow Flow { get; }

    /// <summary>
    /// Disposes the signing key this client loaded (from a file, PEM or certificate store), when its connection is
    /// dropped; a key given in code (<see cref="SalesforceClientOptions.SigningKey"/>) belongs to the caller and is kept.
    /// </summary>
    internal void ReleaseSigningKey()
    {
        if (_options.SigningKey is null && _grant is ISigningGrant signing)
        {
            signing.Key.Dispose();
        }
    }

    /// <summary>The token endpoint URL (<c>{LoginUrl}/services/oauth2/token</c>).</summary>
    public Uri TokenEndpoint => _endpoint.TokenEndpoint;

    /// <summary>
    /// The offset of Salesforce's clock from the local clock (server minus local) measured from the latest token
    /// endpoint response's <c>Date</c> header; <see langword="null"/> before the first response.
    /// </summary>
    public TimeSpan? ClockSkew => _endpoint.ClockSkew.MeasuredSkew;

    /// <summary>
    /// Requests a new token, with per-request overrides. For the refresh flow, concurrent requests with tokens of the
    /// same refresh token chain share one token endpoint request, and a rotated refresh token is saved to the store
    /// before the token is returned. When a client secret is configured and <see cref="SalesforceClientOptions.UseIntrospection"/> is on,
    /// the token's <see cref="SalesforceToken.ExpiresAt"/> comes from introspection (a failed introspection only falls
    /// back to <see cref="SalesforceClientOptions.SessionLifetime"/>).
    /// </summary>
    /// <param name="request">Overrides of the configured principal or tokens; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with its <c>instance_url</c>.</returns>
    /// <exception cref="SalesforceAuthenticationException">Salesforce refused, or could not be reached within the retries and time budget.</exception>
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default) =>
        RequestTokenAsync(request, introspect: true, cancellationToken);

    /// <summary>
    /// Requests a new token; with <paramref name="introspect"/> off, its <see cref="SalesforceToken.ExpiresAt"/> is the
    /// <see cref="SalesforceClientOptions.SessionLifetime"/> estimate and the caller refines it later with
    /// <see cref="RefineExpiryAsync"/> (the cache does, off the caller's path: a cold acquisition is one round trip).
    /// </summary>
    /// <param name="request">Overrides, or <see langword="null"/>.</param>
    /// <param name="introspect">Whether to wait for introspection before returning.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token.</returns>
    internal async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, bool introspect, CancellationToken cancellationToken)
    {
        if (_refresh is not null)
        {
            // The refresh lifecycle runs CompleteAsync inside its single flight: one introspection per refresh.
            return await _refresh.RequestTokenAsync(request, introspect, cancellationToken).ConfigureAwait(false);
        }

        var token = await _endpoint.RequestTokenAsync(request, cancellationToken).ConfigureAwait(false);
        return introspect ? await CompleteAsync(token, cancellationToken).ConfigureAwait(false) : token;
    }

    /// <summary>
    /// Learns the real expiry of a token this client obtained (introspection, when <see cref="SalesforceClientOptions.UseIntrospection"/>
    /// is on and a client secret is configured). Never fails for Salesforce's sake: a refused or unusable introspection is
    /// logged and answered <see langword="null"/>, leaving the session lifetime estimate.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the introspection (then it throws).</param>
    /// <returns>The token with the learned expiry, or <see langword="null"/> when nothing was learned.</returns>
    internal Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        _options.UseIntrospection && _lifecycle.CanIntrospect
            ? IntrospectExpiryAsync(token, cancellationToken)
            : Task.FromResult<SalesforceToken?>(null);

    // The cache asks without waiting for introspection and refines the expiry off the caller's path
    // (BackgroundIntrospectionFlowTests); direct callers of RequestTokenAsync have no cache to update, so they wait.
    Task<SalesforceToken> ISalesforceTokenSource.RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken) =>
        RequestTokenAsync(request, introspect: false, cancellationToken);

    Task<SalesforceToken?> ISalesforceTokenSource.RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        RefineExpiryAsync(token, cancellationToken);

    /// <summary>
    /// Asks Salesforce about a token (<c>POST {LoginUrl}/services/oauth2/introspect</c>, Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5), authenticating
    /// with the consumer key and secret (in the body, or HTTP Basic with <see cref="SalesforceClientOptions.UseBasicAuthentication"/>).
    /// </summary>
    /// <param name="token">An access or refresh token issued to this app.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Whether the token is active, and its expiry, scopes and user; <see cref="SalesforceTokenIntrospection.Active"/> is <see langword="false"/> for an expired, revoked, unknown or foreign token.</returns>
    /// <exception cref="SalesforceConfigurationException"><see cref="SalesforceClientOptions.ClientSecret"/> is not set.</exception>
    /// <exception cref="SalesforceAuthenticationException">Salesforce refused the client authentication or could not be reached.</exception>
    public Task<SalesforceTokenIntrospection> IntrospectAsync(string token, CancellationToken cancellationToken = default) =>
        _lifecycle.IntrospectAsync(token, cancellationToken);

    /// <summary>
    /// Revokes an access or refresh token (<c>POST {LoginUrl}/services/oauth2/revoke</c>, Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&amp;type=5). Revoking a
    /// refresh token also revokes every access token issued from it. A redirect to a trusted Salesforce host is followed
    /// with the same POST.
    /// </summary>
    /// <param name="token">The token to revoke.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when Salesforce confirmed the revocation.</returns>
    /// <exception cref="SalesforceAuthenticationException">
    /// Salesforce refused (<see cref="SalesforceAuthenticationException.Error"/> <c>invalid_token</c>: already revoked,
    /// expired or unknown; <c>unsupported_token_type</c>) or could not be reached.
    /// </exception>
    public Task RevokeAsync(string token, CancellationToken cancellationToken = default) =>
        _lifecycle.RevokeAsync(token, cancellationToken);

    /// <summary>
    /// Reads the OpenID Connect claims of the user a token acts as (<c>GET {LoginUrl}/services/oauth2/userinfo</c> with
    /// the token as Bearer, Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5). Also a cheap check that a token is still valid.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The claims.</returns>
    /// <exception cref="SalesforceSessionExpiredException">The token is expired or revoked (<c>403 Bad_OAuth_Token</c>).</exception>
    /// <exception cref="SalesforceAuthenticationException">Another refusal, or Salesforce could not be reached.</exception>
    public Task<SalesforceUserInfo> GetUserInfoAsync(SalesforceToken token, CancellationToken cancellationToken = default) =>
        _lifecycle.GetUserInfoAsync(token, cancellationToken);

    /// <summary>
    /// Creates the signed assertion the next token request would post (JWT and SAML bearer flows), for diagnostics:
    /// built by the same grant, with the same audience, times and clock-skew compensation. Nothing is sent.
    /// </summary>
    /// <param name="request">Overrides (another username), or <see langword="null"/>.</param>
    /// <returns>The assertion. A credential until it expires: never log <see cref="SalesforceAssertion.Value"/>.</returns>
    /// <exception cref="SalesforceConfigurationException">The flow uses no assertion (client credentials, refresh, token exchange).</exception>
    public SalesforceAssertion CreateAssertion(SalesforceTokenRequest? request = null)
    {
        if (Flow is not (SalesforceFlow.JwtBearer or SalesforceFlow.SamlBearer))
        {
            throw new SalesforceConfigurationException(nameof(SalesforceClientOptions.Flow), $"The {Flow} flow posts no assertion; CreateAssertion works with Flow = JwtBearer or SamlBearer.");
        }

        var grantRequest = _endpoint.CreateGrantRequest(request);
        string? grantType = null;
        string? value = null;
        foreach (var field in grantRequest.Form)
        {
            if (field.Key == "grant_type")
            {
                grantType = field.Value;
            }
            else if (field.Key == "assertion")
            {
                value = field.Value;
            }
        }

        var xml = Flow == SalesforceFlow.SamlBearer ? Encoding.UTF8.GetString(Base64UrlDecode(value!)) : null;
        var facts = grantRequest.Assertion!;
        return new SalesforceAssertion(grantType!, value!, xml)
        {
            IssuedAt = facts.IssuedAt,
            ExpiresAt = facts.ExpiresAt,
            Audience = facts.Audience,
        };
    }

    private async Task<SalesforceToken> CompleteAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        await RefineExpiryAsync(token, cancellationToken).ConfigureAwait(false) ?? token;

    private async Task<SalesforceToken?> IntrospectExpiryAsync(SalesforceToken token, CancellationToken cancellationToken)
    {
        SalesforceTokenIntrospection introspection;
        try
        {
            introspection = await _lifecycle.IntrospectAsync(token.AccessToken, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Introspection only improves the expiry estimate: it never fails a token acquisition.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.IntrospectionFailed(_logger, ex is SalesforceAuthenticationException sae ? sae.Reason.ToString() : ex.GetType().Name, ex);
            return null;
        }

        if (!introspection.Active || introspection.ExpiresAt is not { } serverExpiry)
        {
            Log.IntrospectionInactive(_logger);
            return null;
        }

        // exp is by Salesforce's clock: convert to the local clock with the measured offset, then keep a margin.
        var skew = _endpoint.ClockSkew.MeasuredSkew ?? TimeSpan.Zero;
        // Apply never overflows: an exp at the edge of the calendar (a broken answer) is kept as it is.
        var expiresAt = ClockSkewTracker.Apply(serverExpiry, -(skew + IntrospectionSafetyMargin));
        Log.IntrospectedExpiryApplied(_logger, expiresAt);
        return TokenCopy.WithExpiresAt(token, expiresAt);
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var text = value.Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        return Convert.FromBase64String(text);
    }
}
