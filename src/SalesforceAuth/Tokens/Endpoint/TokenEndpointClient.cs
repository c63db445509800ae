using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens.Grants;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// Sends grant requests to <c>{LoginUrl}/services/oauth2/token</c> and turns the answers into tokens or typed errors.
/// The resilience pipeline (Polly, on the injected <see cref="TimeProvider"/>) holds the retries: outermost one fresh,
/// skew-corrected assertion after <c>expired authorization code</c>, then the total timeout, the transient retries
/// and the attempt timeout; each attempt builds a fresh request and records it as the context's
/// <see cref="TokenAttempt"/>. Redirects are <see cref="TokenEndpointRedirects"/>'s, the success answer is checked by
/// <see cref="TokenResponseValidator"/>, and every failure becomes a typed error through <see cref="TokenEndpointErrors"/>.
/// </summary>
internal sealed class TokenEndpointClient
{
    private static readonly TimeSpan MinimumPollyTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly ResiliencePropertyKey<TokenAttempt> AttemptKey = new("SalesforceAuth.TokenAttempt");

    private readonly HttpClient _httpClient;
    private readonly SalesforceClientOptions _options;
    private readonly ITokenGrant _grant;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SalesforceMetrics _metrics;
    private readonly ResiliencePipeline<TokenEndpointResponse> _pipeline;
    private readonly TokenEndpointErrors _errors;
    private readonly TokenEndpointRedirects _redirects;
    private readonly TokenResponseValidator _validator;
    private readonly string _host;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The back channel; automatic redirects must be off (redirects are handled here).</param>
    /// <param name="options">The validated settings.</param>
    /// <param name="grant">The grant of the configured flow.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="clockSkew">The skew tracker (shared with whoever reports it).</param>
    public TokenEndpointClient(HttpClient httpClient, SalesforceClientOptions options, ITokenGrant grant, TimeProvider timeProvider, ILogger logger, SalesforceMetrics metrics, ClockSkewTracker clockSkew)
    {
        _httpClient = httpClient;
        _options = options;
        _grant = grant;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        ClockSkew = clockSkew;
        TokenEndpoint = SalesforceLoginHost.Parse(options.LoginUrl).TokenEndpoint;
        _host = TokenEndpoint.Authority;
        _errors = new TokenEndpointErrors(options, grant.Flow, TokenEndpoint, clockSkew, timeProvider);
        _redirects = new TokenEndpointRedirects(options, _errors, logger);
        _validator = new TokenResponseValidator(options, grant.Flow, _errors, logger);
        _pipeline = BuildPipeline();
    }

    /// <summary>The token endpoint URL.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The clock skew measured from the endpoint's <c>Date</c> headers.</summary>
    public ClockSkewTracker ClockSkew { get; }

    /// <summary>The error side of the endpoints, shared with <see cref="TokenLifecycleClient"/>.</summary>
    public TokenEndpointErrors Errors => _errors;

    /// <summary>Requests a token.</summary>
    /// <param name="request">Per-request overrides.</param>
    /// <param name="cancellationToken">Cancels the request; its <see cref="OperationCanceledException"/> is never wrapped.</param>
    /// <returns>The token.</returns>
    public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
    {
        var flow = _grant.Flow;
        var started = _timeProvider.GetTimestamp();
        using var activity = SalesforceMetrics.ActivitySource.StartActivity("salesforce.auth.token", ActivityKind.Client);
        activity?.SetTag("salesforce.flow", flow.ToString());
        activity?.SetTag("server.address", TokenEndpoint.Host);
        Log.TokenRequestStarting(_logger, _host, _options.ClientId, flow, request?.Username ?? _options.Username);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptKey, TokenAttempt.None);
        var outcome = "error";
        try
        {
            var token = await AcquireAsync(request, context, cancellationToken).ConfigureAwait(false);
            outcome = "success";
            Log.TokenRequestSucceeded(_logger, _host, flow, token.InstanceUrl.Authority, _timeProvider.GetElapsedTime(started).TotalMilliseconds, Attempts(context));
            return token;
        }
        catch (SalesforceAuthenticationException ex)
        {
            outcome = ex.Reason.ToString();
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            // A failure without an answer logs its transport cause ("connection refused [SocketError.ConnectionRefused]"),
            // never "HTTP (null)".
            var cause = ex.StatusCode is { } status
                ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}")
                : ex.Diagnosis.Facts.GetValueOrDefault(SalesforceDiagnosisFacts.TransportFailure) ?? "no answer";
            var endpoint = ex.Diagnosis.Facts.GetValueOrDefault(SalesforceDiagnosisFacts.EndpointUrl) ?? SalesforceErrorMapper.Url(TokenEndpoint);
            Log.TokenRequestFailed(_logger, endpoint, flow, ex.Reason, cause, _timeProvider.GetElapsedTime(started).TotalMilliseconds, Attempts(context));
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "canceled";
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            activity?.SetTag("salesforce.outcome", outcome);
            var tags = new TagList { { "salesforce.flow", flow.ToString() }, { "salesforce.outcome", outcome } };
            _metrics.TokenRequests.Add(1, tags);
            _metrics.TokenRequestDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private async Task<SalesforceToken> AcquireAsync(SalesforceTokenRequest? request, ResilienceContext context, CancellationToken cancellationToken)
    {
        TokenEndpointResponse response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Self.SendOnceAsync(ctx, state.Overrides),
                context,
                (Self: this, Overrides: request)).ConfigureAwait(false);
        }
        catch (Exception ex) when (TokenEndpointErrors.IsTransportFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            var failed = context.Properties.GetValue(AttemptKey, TokenAttempt.None);
            throw _errors.NoAnswer(TokenEndpoint, ex, failed.Number, failed.Request?.Assertion);
        }

        var attempt = context.Properties.GetValue(AttemptKey, TokenAttempt.None);
        if (response.IsSuccess && !response.IsTransient)
        {
            return _validator.CreateToken(response, attempt.Request!);
        }

        throw SalesforceErrorMapper.MapTokenError(_errors.Refused(response, attempt));
    }

    private async ValueTask<TokenEndpointResponse> SendOnceAsync(ResilienceContext context, SalesforceTokenRequest? overrides)
    {
        var previous = context.Properties.GetValue(AttemptKey, TokenAttempt.None);
        var attempt = previous with { Number = previous.Number + 1 };
        context.Properties.Set(AttemptKey, attempt);

        // A fresh request (and so a fresh assertion, with the latest skew correction) for every attempt: a retried
        // assertion could be close to its expiry after the backoff (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5). Redirects re-POST the same body.
        var grantRequest = CreateGrantRequest(overrides);
        context.Properties.Set(AttemptKey, attempt with { Request = grantRequest });
        return await PostFormAsync(TokenEndpoint, grantRequest.Form, grantRequest.Authorization, grantRequest.Assertion, context.CancellationToken).ConfigureAwait(false);
    }

    private static int Attempts(ResilienceContext context) => context.Properties.GetValue(AttemptKey, TokenAttempt.None).Number;

    /// <summary>
    /// Builds the grant's request at the local time moved onto Salesforce's clock by the measured skew (bounded by
    /// <see cref="ClockSkewTracker.MaxSkew"/>). Assertion times that cannot be computed (a local clock at the very end of
    /// the calendar) are a typed error, never an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    /// <param name="overrides">Per-request overrides.</param>
    /// <returns>The request.</returns>
    public TokenGrantRequest CreateGrantRequest(SalesforceTokenRequest? overrides)
    {
        var skew = ClockSkew.GetCompensation(_options.ClockSkewCompensation);
        var localTime = _timeProvider.GetUtcNow();
        try
        {
            return _grant.CreateRequest(new TokenGrantContext(TokenEndpoint, ClockSkewTracker.Apply(localTime, skew), skew, overrides));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw _errors.Client("client.clock_unusable", $"The assertion's times could not be computed from the local clock ({localTime:O}, corrected by {skew.TotalSeconds:F0} s): set the system clock right (NTP).", null, localTime, ClockSkew.ServerTime, null, innerException: ex);
        }
    }

    /// <summary>
    /// Posts a form to a Salesforce OAuth endpoint (token, introspect, revoke) once, re-POSTing the same body to trusted
    /// redirect targets (<see cref="TokenEndpointRedirects"/>), and reads the answer in full. No retries: callers decide
    /// what is safe to repeat.
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="form">The form fields (values may be secrets; never logged).</param>
    /// <param name="authorization">An <c>Authorization</c> header (HTTP Basic client authentication), or <see langword="null"/>.</param>
    /// <param name="assertion">What the assertion carried, for the facts of a diagnosis, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public async Task<TokenEndpointResponse> PostFormAsync(Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, AssertionFacts? assertion, CancellationToken cancellationToken)
    {
        var target = endpoint;
        for (var redirects = 0; ; redirects++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new FormUrlEncodedContent(form),
            };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (authorization is not null)
            {
                message.Headers.Authorization = authorization;
            }

            HttpResponseMessage response;
            try
            {
                response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient.Timeout fired (not the caller, not our attempt timeout): a transient timeout.
                throw new TimeoutException($"The endpoint {target.Authority} did not answer within HttpClient.Timeout.", ex);
            }

            using (response)
            {
                var localTime = _timeProvider.GetUtcNow();
                _redirects.RefuseUntrustedAnswer(response, target, assertion, localTime);

                var serverTime = response.Headers.Date;
                if (serverTime is { } observed && ClockSkewTracker.IsBelievable(response))
                {
                    if (ClockSkew.Observe(observed, localTime))
                    {
                        Log.ClockSkewMeasured(_logger, (observed - localTime).TotalSeconds, observed, localTime);
                    }
                    else
                    {
                        Log.ClockSkewIgnored(_logger, target.Authority, observed, localTime, ClockSkewTracker.MaxSkew.TotalHours);
                    }
                }

                if (TokenEndpointRedirects.IsRedirect(response.StatusCode))
                {
                    target = _redirects.Follow(response, target, redirects, assertion, localTime, serverTime);
                    continue;
                }

                byte[]? bytes;
                try
                {
                    bytes = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The endpoint {target.Authority} did not finish its answer within HttpClient.Timeout.", ex);
                }

                if (bytes is null)
                {
                    Log.ResponseTooLarge(_logger, target.Authority, (int)response.StatusCode, ResponseBody.MaxBytes);
                    throw _errors.Client("client.response_too_large", $"The endpoint {target.Authority} answered {(int)response.StatusCode} with a body over {ResponseBody.MaxBytes / 1024} KB; Salesforce's OAuth answers are a few KB, so it was not read further. A proxy or another server answers in Salesforce's place: check LoginUrl and the network path.", response.StatusCode, localTime, serverTime, assertion);
                }

                return new TokenEndpointResponse
                {
                    StatusCode = response.StatusCode,
                    MediaType = response.Content.Headers.ContentType?.MediaType,
                    Body = ResponseBody.Decode(response.Content, bytes),
                    Endpoint = target,
                    LocalTime = localTime,
                    ServerTime = serverTime,
                    RetryAfter = GetRetryAfter(response, serverTime ?? localTime),
                };
            }
        }
    }

    private ResiliencePipeline<TokenEndpointResponse> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<TokenEndpointResponse> { TimeProvider = _timeProvider };

        // With compensation off the caller asked for the raw behaviour (sfauth --skew-compensation off): a fresh
        // assertion built on the same wrong clock would fail the same way, so it is not sent.
        if (_options.ClockSkewCompensation)
        {
            // Outermost, so the fresh assertion gets the whole budget again, as a new request would.
            builder.AddRetry(new RetryStrategyOptions<TokenEndpointResponse>
            {
                Name = "FreshAssertionAfterExpiry",
                MaxRetryAttempts = 1,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                ShouldHandle = static args => ValueTask.FromResult(IsExpiredAssertion(args.Outcome, args.Context)),
                OnRetry = args =>
                {
                    // Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm: the assertion was already past by Salesforce's clock. The Date header of this
                    // very answer gives the offset, so one fresh, corrected assertion usually succeeds.
                    var attempt = args.Context.Properties.GetValue(AttemptKey, TokenAttempt.None);
                    args.Context.Properties.Set(AttemptKey, attempt with { RetriedWithFreshAssertion = true });
                    var response = args.Outcome.Result!;
                    Log.RetryingWithFreshAssertion(_logger, ClockSkew.GetCompensation(_options.ClockSkewCompensation).TotalSeconds, response.ServerTime, response.LocalTime);
                    return default;
                },
            });
        }

        builder.AddTimeout(Max(_options.TotalTimeout, MinimumPollyTimeout));
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<TokenEndpointResponse>
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(GetRetryAfterDelay(args.Outcome)),
                OnRetry = args =>
                {
                    var cause = DescribeCause(args.Outcome);
                    _metrics.TokenRetries.Add(1, new KeyValuePair<string, object?>("salesforce.retry.cause", cause));
                    Log.TokenRequestRetrying(_logger, _host, cause, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(Max(_options.AttemptTimeout, MinimumPollyTimeout));
        return builder.Build();
    }

    /// <summary>
    /// Whether a final answer is <c>invalid_grant</c> / <c>expired authorization code</c> to an assertion that was not
    /// already a fresh one (the strategy retries once, so the second refusal is the caller's).
    /// </summary>
    private static bool IsExpiredAssertion(Outcome<TokenEndpointResponse> outcome, ResilienceContext context) =>
        outcome.Result is { IsSuccess: false, IsTransient: false } response
        && context.Properties.GetValue(AttemptKey, TokenAttempt.None) is { Request.Assertion: not null, RetriedWithFreshAssertion: false }
        && OAuthErrorBody.Read(response.Body, response.MediaType) is { Kind: OAuthErrorBodyKind.OAuthError, Error: "invalid_grant" } wire
        && string.Equals(wire.Description?.Trim(), "expired authorization code", StringComparison.OrdinalIgnoreCase);

    private TimeSpan? GetRetryAfterDelay(Outcome<TokenEndpointResponse> outcome)
    {
        if (outcome.Result?.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        // Honour Retry-After, but never past the overall budget (the total timeout would cut the wait anyway).
        return retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter > _options.TotalTimeout ? _options.TotalTimeout : retryAfter;
    }

    private static bool ShouldRetry(Outcome<TokenEndpointResponse> outcome, ResilienceContext context)
    {
        if (context.Properties.GetValue(AttemptKey, TokenAttempt.None).Request is { IsRetryable: false })
        {
            return false;
        }

        return outcome.Exception is { } ex ? TokenEndpointErrors.IsTransportFailure(ex) : outcome.Result is { IsTransient: true };
    }

    private static string DescribeCause(Outcome<TokenEndpointResponse> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException or TimeoutException } => "timeout",
        { Exception: not null } => "network",
        { Result: { StatusCode: HttpStatusCode.TooManyRequests } } => "429",
        { Result: { } r } when (int)r.StatusCode >= 500 => ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture),
        _ => "non-json",
    };

    private static TimeSpan? GetRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
