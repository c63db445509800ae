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
/// Sends grant requests to <c>{LoginUrl}/services/oauth2/token</c> and turns the answers into tokens or typed errors:
/// redirects re-POSTed to trusted hosts only, transient failures retried (Polly, on the injected
/// <see cref="TimeProvider"/>), the <c>Date</c> header tracked for clock skew, <c>expired authorization code</c>
/// retried once with a fresh assertion, the response's URLs and <c>signature</c> checked.
/// </summary>
internal sealed class TokenEndpointClient
{
    private const int MaxRedirects = 2;
    private static readonly TimeSpan MinimumPollyTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly ResiliencePropertyKey<AttemptState> StateKey = new("SalesforceAuth.TokenAttempt");

    private readonly HttpClient _httpClient;
    private readonly SalesforceClientOptions _options;
    private readonly ITokenGrant _grant;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SalesforceMetrics _metrics;
    private readonly ResiliencePipeline<TokenEndpointResponse> _pipeline;
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
        _pipeline = BuildPipeline();
    }

    /// <summary>The token endpoint URL.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The clock skew measured from the endpoint's <c>Date</c> headers.</summary>
    public ClockSkewTracker ClockSkew { get; }

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

        var state = new AttemptState();
        var outcome = "error";
        try
        {
            var token = await AcquireAsync(request, state, cancellationToken).ConfigureAwait(false);
            outcome = "success";
            Log.TokenRequestSucceeded(_logger, _host, flow, token.InstanceUrl.Authority, _timeProvider.GetElapsedTime(started).TotalMilliseconds, state.Attempts);
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
            Log.TokenRequestFailed(_logger, endpoint, flow, ex.Reason, cause, _timeProvider.GetElapsedTime(started).TotalMilliseconds, state.Attempts);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "canceled";
            throw;
        }
        finally
        {
            activity?.SetTag("salesforce.outcome", outcome);
            var tags = new TagList { { "salesforce.flow", flow.ToString() }, { "salesforce.outcome", outcome } };
            _metrics.TokenRequests.Add(1, tags);
            _metrics.TokenRequestDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private async Task<SalesforceToken> AcquireAsync(SalesforceTokenRequest? request, AttemptState state, CancellationToken cancellationToken)
    {
        var retriedWithFreshAssertion = false;
        while (true)
        {
            state.Overrides = request;
            var response = await SendAsync(state, cancellationToken).ConfigureAwait(false);
            var grantRequest = state.Request!;

            if (response.IsSuccess && !response.IsTransient)
            {
                return CreateToken(response, grantRequest);
            }

            // With compensation off the caller asked for the raw behaviour (sfauth --skew-compensation off): a fresh
            // assertion built on the same wrong clock would fail the same way, so it is not sent.
            if (!response.IsTransient
                && !retriedWithFreshAssertion
                && _options.ClockSkewCompensation
                && grantRequest.Assertion is not null
                && OAuthErrorBody.Read(response.Body, response.MediaType) is { Kind: OAuthErrorBodyKind.OAuthError, Error: "invalid_grant" } wire
                && string.Equals(wire.Description?.Trim(), "expired authorization code", StringComparison.OrdinalIgnoreCase))
            {
                // Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm: the assertion was already past by Salesforce's clock. The Date header of this
                // very answer gives the offset, so one fresh, corrected assertion usually succeeds.
                retriedWithFreshAssertion = true;
                Log.RetryingWithFreshAssertion(_logger, ClockSkew.GetCompensation(_options.ClockSkewCompensation).TotalSeconds, response.ServerTime, response.LocalTime);
                continue;
            }

            throw SalesforceErrorMapper.MapTokenError(CreateErrorContext(response, grantRequest, state, retriedWithFreshAssertion, transportException: null));
        }
    }

    private async Task<TokenEndpointResponse> SendAsync(AttemptState state, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (ctx, self) => self.SendOnceAsync(ctx.Properties.GetValue(StateKey, null!), ctx.CancellationToken),
                context,
                this).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            var now = _timeProvider.GetUtcNow();
            throw SalesforceErrorMapper.MapTokenError(new TokenErrorContext
            {
                Flow = _grant.Flow,
                Endpoint = TokenEndpoint,
                LocalTime = now,
                ServerTime = ClockSkew.ServerTime,
                MeasuredSkew = ClockSkew.MeasuredSkew,
                Assertion = state.Request?.Assertion,
                Attempts = state.Attempts,
                TransportException = ex,
                HasClientSecret = !string.IsNullOrEmpty(_options.ClientSecret),
            });
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<TokenEndpointResponse> SendOnceAsync(AttemptState state, CancellationToken cancellationToken)
    {
        state.Attempts++;

        // A fresh request (and so a fresh assertion, with the latest skew correction) for every attempt: a retried
        // assertion could be close to its expiry after the backoff (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5). Redirects re-POST the same body.
        var grantRequest = CreateGrantRequest(state.Overrides);
        state.Request = grantRequest;
        return await PostFormAsync(TokenEndpoint, grantRequest.Form, grantRequest.Authorization, grantRequest, cancellationToken).ConfigureAwait(false);
    }

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
            var error = ClientSideError(SalesforceReason.InvalidRequest, default, $"The assertion's times could not be computed from the local clock ({localTime:O}, corrected by {skew.TotalSeconds:F0} s): set the system clock right (NTP).", null, localTime, ClockSkew.ServerTime);
            throw new SalesforceAuthenticationException(error.Message, ex)
            {
                Reason = error.Reason,
                Flow = error.Flow,
                IsTransient = false,
                Diagnosis = error.Diagnosis,
            };
        }
    }

    /// <summary>
    /// Posts a form to a Salesforce OAuth endpoint (token, introspect, revoke) once, re-POSTing the same body to trusted
    /// redirect targets (at most twice), and reads the answer in full. No retries: callers decide what is safe to repeat.
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="form">The form fields (values may be secrets; never logged).</param>
    /// <param name="authorization">An <c>Authorization</c> header (HTTP Basic client authentication), or <see langword="null"/>.</param>
    /// <param name="grantRequest">The grant request, for the facts of a diagnosis, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public async Task<TokenEndpointResponse> PostFormAsync(Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, TokenGrantRequest? grantRequest, CancellationToken cancellationToken)
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
                if (response.RequestMessage?.RequestUri is { } answered && answered != target)
                {
                    // The HttpClient followed a redirect itself (AllowAutoRedirect is on): the body may already have
                    // gone there, so at least refuse to use an answer from an untrusted host.
                    var answeredProblem = SalesforceLoginHost.GetTrustProblem(answered, _options);
                    if (answeredProblem is not null)
                    {
                        Log.TokenRedirectRefused(_logger, target.Authority, answered.GetLeftPart(UriPartial.Authority), answeredProblem);
                        throw UntrustedError(answered, response.StatusCode, $"The HttpClient followed a redirect from {target.Authority} to {answered.GetLeftPart(UriPartial.Authority)}, which is refused because {answeredProblem}. Turn automatic redirects off on the token endpoint's HttpClient (SocketsHttpHandler.AllowAutoRedirect = false).", grantRequest, localTime, null);
                    }
                }

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

                if (IsRedirect(response.StatusCode))
                {
                    target = FollowRedirect(response, target, redirects, grantRequest, localTime, serverTime);
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
                    throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The endpoint {target.Authority} answered {(int)response.StatusCode} with a body over {ResponseBody.MaxBytes / 1024} KB; Salesforce's OAuth answers are a few KB, so it was not read further. A proxy or another server answers in Salesforce's place: check LoginUrl and the network path.", grantRequest, localTime, serverTime);
                }

                var body = ResponseBody.Decode(response.Content, bytes);

                return new TokenEndpointResponse
                {
                    StatusCode = response.StatusCode,
                    MediaType = response.Content.Headers.ContentType?.MediaType,
                    Body = body,
                    Endpoint = target,
                    LocalTime = localTime,
                    ServerTime = serverTime,
                    RetryAfter = GetRetryAfter(response, serverTime ?? localTime),
                };
            }
        }
    }

    private Uri FollowRedirect(HttpResponseMessage response, Uri current, int redirects, TokenGrantRequest? grantRequest, DateTimeOffset localTime, DateTimeOffset? serverTime)
    {
        var location = response.Headers.Location;
        // A relative Location is resolved against the current URL; some (for example "//a@b@host/") cannot be, and
        // are treated like a missing Location rather than thrown as a UriFormatException.
        Uri? target = null;
        if (location is { IsAbsoluteUri: true })
        {
            target = location;
        }
        else if (location is not null)
        {
            Uri.TryCreate(current, location, out target);
        }

        var status = (int)response.StatusCode;
        if (target is null)
        {
            throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The token endpoint {current.Authority} answered {status} without a usable Location header.", grantRequest, localTime, serverTime);
        }

        var problem = SalesforceLoginHost.GetTrustProblem(target, _options);
        if (problem is not null)
        {
            Log.TokenRedirectRefused(_logger, current.Authority, target.GetLeftPart(UriPartial.Authority), problem);
            throw UntrustedError(
                target,
                response.StatusCode,
                $"The token endpoint {current.Authority} redirected ({status}) to {target.GetLeftPart(UriPartial.Authority)}, which is refused because {problem}. The request was not sent there. Point LoginUrl at your My Domain, or add the domain to TrustedDomains if it really is yours.",
                grantRequest,
                localTime,
                serverTime);
        }

        if (redirects >= MaxRedirects)
        {
            throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The token endpoint redirected more than {MaxRedirects} times (last from {current.Authority} to {target.Authority}). Set LoginUrl to the final host, normally your My Domain.", grantRequest, localTime, serverTime);
        }

        // observed: the login service answers 302 to the My Domain, forcedotcom/SalesforceMobileSDK-iOS pull request 4074, https://github.com/forcedotcom/SalesforceMobileSDK-iOS/pull/4074: .NET turns a redirected POST into a GET ('must use HTTP POST'), so the same body is re-POSTed here.
        Log.TokenRedirectFollowed(_logger, current.Authority, status, target.Authority);
        return target;
    }

    private SalesforceToken CreateToken(TokenEndpointResponse response, TokenGrantRequest grantRequest)
    {
        if (!TokenResponseParser.TryParseSuccess(response.Body, out var parsed, out var problem))
        {
            throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The token endpoint {response.Endpoint.Authority} answered {(int)response.StatusCode} but {problem}.", grantRequest, response.LocalTime, response.ServerTime);
        }

        if (!string.IsNullOrEmpty(_options.ClientSecret) && parsed!.Signature is not null
            && !TokenResponseParser.VerifySignature(parsed, _options.ClientSecret))
        {
            Log.ResponseSignatureMismatch(_logger, response.Endpoint.Authority);
            throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The signature of the token response from {response.Endpoint.Authority} does not match HMAC-SHA256(ClientSecret, id + issued_at): the response was altered, or ClientSecret belongs to another app.", grantRequest, response.LocalTime, response.ServerTime);
        }

        var instanceUrl = RequireTrustedUrl("instance_url", parsed!.InstanceUrl, required: true, response, grantRequest)!;
        var apiInstanceUrl = RequireTrustedUrl("api_instance_url", parsed.ApiInstanceUrl, required: false, response, grantRequest);
        Uri? communityUrl = null;
        if (parsed.CommunityUrl is not null)
        {
            // A site may live on a custom domain: keep it only when trusted, but do not fail the token for it.
            Uri.TryCreate(parsed.CommunityUrl, UriKind.Absolute, out var site);
            var siteProblem = SalesforceLoginHost.GetSiteUrlTrustProblem(site, _options);
            if (siteProblem is null)
            {
                communityUrl = site;
            }
            else
            {
                Log.ResponseUrlRefused(_logger, "sfdc_community_url", siteProblem);
            }
        }

        var obtainedAt = response.LocalTime;
        return new SalesforceToken(parsed.AccessToken, instanceUrl)
        {
            ApiInstanceUrl = apiInstanceUrl,
            IdentityUrl = Uri.TryCreate(parsed.Id, UriKind.Absolute, out var id) ? id : null,
            TokenType = string.IsNullOrEmpty(parsed.TokenType) ? "Bearer" : parsed.TokenType,
            Scope = parsed.Scope,
            IssuedAt = parsed.IssuedAt,
            ObtainedAt = obtainedAt,
            ExpiresAt = obtainedAt + _options.SessionLifetime,
            RefreshToken = parsed.RefreshToken,
            CommunityUrl = communityUrl,
            CommunityId = parsed.CommunityId,
            Flow = _grant.Flow,
        };
    }

    private Uri? RequireTrustedUrl(string field, string? value, bool required, TokenEndpointResponse response, TokenGrantRequest grantRequest)
    {
        if (value is null)
        {
            if (required)
            {
                throw ClientSideError(SalesforceReason.UnexpectedResponse, response.StatusCode, $"The token response from {response.Endpoint.Authority} has no {field}, so there is no host to send the token to.", grantRequest, response.LocalTime, response.ServerTime);
            }

            return null;
        }

        Uri.TryCreate(value, UriKind.Absolute, out var uri);
        var problem = SalesforceLoginHost.GetTrustProblem(uri, _options);
        if (problem is null)
        {
            return uri;
        }

        Log.ResponseUrlRefused(_logger, field, problem);
        var shown = uri is null ? "(not a URL)" : uri.GetLeftPart(UriPartial.Authority);
        throw UntrustedError(
            uri,
            response.StatusCode,
            $"The token response's {field} {shown} is refused because {problem}. A response must not be able to send the token elsewhere; the token was discarded. Add the domain to TrustedDomains only if it really is your org's.",
            grantRequest,
            response.LocalTime,
            response.ServerTime);
    }

    private SalesforceAuthenticationException ClientSideError(SalesforceReason reason, HttpStatusCode statusCode, string message, TokenGrantRequest? grantRequest, DateTimeOffset localTime, DateTimeOffset? serverTime)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SalesforceDiagnosisFacts.TokenEndpointHost] = TokenEndpoint.Host,
            [SalesforceDiagnosisFacts.LocalTime] = localTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (serverTime is { } server)
        {
            facts[SalesforceDiagnosisFacts.ServerTime] = server.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (grantRequest?.Assertion is { } assertion)
        {
            facts[SalesforceDiagnosisFacts.AudienceSent] = assertion.Audience;
            facts[SalesforceDiagnosisFacts.AudienceRule] = assertion.AudienceRule;
        }

        return new SalesforceAuthenticationException(message)
        {
            Reason = reason,
            StatusCode = statusCode,
            Flow = _grant.Flow,
            IsTransient = false,
            Diagnosis = new SalesforceDiagnosis(message) { ClockSkew = ClockSkew.MeasuredSkew, Facts = facts },
        };
    }

    /// <summary>
    /// The typed refusal of a host (<see cref="SalesforceUntrustedInstanceException"/>, so callers can catch it by type
    /// like the mapper's own), with the same facts as <see cref="ClientSideError"/>.
    /// </summary>
    private SalesforceUntrustedInstanceException UntrustedError(Uri? refused, HttpStatusCode statusCode, string message, TokenGrantRequest? grantRequest, DateTimeOffset localTime, DateTimeOffset? serverTime)
    {
        var error = ClientSideError(SalesforceReason.UntrustedInstanceUrl, statusCode, message, grantRequest!, localTime, serverTime);
        return new SalesforceUntrustedInstanceException(error.Message)
        {
            Reason = error.Reason,
            StatusCode = error.StatusCode,
            Flow = error.Flow,
            IsTransient = false,
            Diagnosis = error.Diagnosis,
            RefusedHost = refused is { IsAbsoluteUri: true } ? refused.Host : null,
        };
    }

    private TokenErrorContext CreateErrorContext(TokenEndpointResponse response, TokenGrantRequest grantRequest, AttemptState state, bool retriedWithFreshAssertion, Exception? transportException) => new()
    {
        Flow = _grant.Flow,
        Endpoint = response.Endpoint,
        StatusCode = response.StatusCode,
        MediaType = response.MediaType,
        Body = response.Body,
        LocalTime = response.LocalTime,
        ServerTime = response.ServerTime,
        MeasuredSkew = ClockSkew.MeasuredSkew,
        RetryAfter = response.RetryAfter,
        Assertion = grantRequest.Assertion,
        RetriedWithFreshAssertion = retriedWithFreshAssertion,
        Attempts = state.Attempts,
        TransportException = transportException,
        HasClientSecret = !string.IsNullOrEmpty(_options.ClientSecret),
    };

    private ResiliencePipeline<TokenEndpointResponse> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<TokenEndpointResponse> { TimeProvider = _timeProvider };
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
        if (context.Properties.TryGetValue(StateKey, out var state) && state.Request is { IsRetryable: false })
        {
            return false;
        }

        return outcome.Exception is { } ex ? IsTransportFailure(ex) : outcome.Result is { IsTransient: true };
    }

    private static bool IsTransportFailure(Exception ex) =>
        ex is HttpRequestException or TimeoutRejectedException or TimeoutException or IOException;

    private static string DescribeCause(Outcome<TokenEndpointResponse> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException or TimeoutException } => "timeout",
        { Exception: not null } => "network",
        { Result: { StatusCode: HttpStatusCode.TooManyRequests } } => "429",
        { Result: { } r } when (int)r.StatusCode >= 500 => ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
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

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Mutable per-acquisition state shared with the attempt callback (sequential, so no locking).</summary>
    private sealed class AttemptState
    {
        public int Attempts { get; set; }

        public TokenGrantRequest? Request { get; set; }

        public SalesforceTokenRequest? Overrides { get; set; }
    }
}
