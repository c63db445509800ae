using System.Net;
using Polly.Timeout;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// The error side of the OAuth endpoints (token, introspect, revoke, userinfo), shared by
/// <see cref="TokenEndpointClient"/> and <see cref="TokenLifecycleClient"/>: what counts as a transport failure, and
/// the error context each kind of failure hands to <see cref="SalesforceErrorMapper"/> (an answer, no answer, or an
/// answer the library will not use).
/// </summary>
internal sealed class TokenEndpointErrors
{
    private readonly SalesforceClientOptions _options;
    private readonly SalesforceFlow _flow;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the error side of one connection's endpoints.</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="flow">The flow the errors are reported for.</param>
    /// <param name="tokenEndpoint">The token endpoint (its host is a fact of every client-side error).</param>
    /// <param name="clockSkew">The skew tracker of the connection.</param>
    /// <param name="timeProvider">The clock.</param>
    public TokenEndpointErrors(SalesforceClientOptions options, SalesforceFlow flow, Uri tokenEndpoint, ClockSkewTracker clockSkew, TimeProvider timeProvider)
    {
        _options = options;
        _flow = flow;
        TokenEndpoint = tokenEndpoint;
        ClockSkew = clockSkew;
        _timeProvider = timeProvider;
    }

    /// <summary>The token endpoint.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The clock skew measured from the endpoints' <c>Date</c> headers.</summary>
    public ClockSkewTracker ClockSkew { get; }

    /// <summary>
    /// Whether an exception means no usable answer arrived (connection, TLS, a timeout, a broken body stream), rather
    /// than a bug or the caller's cancellation.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for a transport failure.</returns>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or TimeoutRejectedException or TimeoutException or IOException;

    /// <summary>The typed error for an endpoint that gave no usable answer.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="exception">
    /// The transport failure; an <see cref="OperationCanceledException"/> the caller did not ask for is the attempt
    /// timeout and reported as one.
    /// </param>
    /// <param name="attempts">How many attempts were made.</param>
    /// <param name="assertion">What the last assertion carried, if any.</param>
    /// <returns>The exception to throw.</returns>
    public SalesforceAuthenticationException NoAnswer(Uri endpoint, Exception exception, int attempts = 1, AssertionFacts? assertion = null) =>
        SalesforceErrorMapper.MapTokenError(new TokenErrorContext
        {
            Flow = _flow,
            Endpoint = endpoint,
            LocalTime = _timeProvider.GetUtcNow(),
            ServerTime = ClockSkew.ServerTime,
            MeasuredSkew = ClockSkew.MeasuredSkew,
            Assertion = assertion,
            Attempts = attempts,
            TransportException = exception is OperationCanceledException
                ? new TimeoutException($"{endpoint.Authority} did not answer within {_options.AttemptTimeout}.", exception)
                : exception,
            HasClientSecret = HasClientSecret,
        });

    /// <summary>What is known about a refusing answer, for <see cref="SalesforceErrorMapper.MapTokenError"/>.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="attempt">The attempt that got it (the assertion it sent, how many came before), if known.</param>
    /// <returns>The context.</returns>
    public TokenErrorContext Refused(TokenEndpointResponse response, TokenAttempt? attempt = null) => new()
    {
        Flow = _flow,
        Endpoint = response.Endpoint,
        StatusCode = response.StatusCode,
        MediaType = response.MediaType,
        Body = response.Body,
        LocalTime = response.LocalTime,
        ServerTime = response.ServerTime,
        MeasuredSkew = ClockSkew.MeasuredSkew,
        RetryAfter = response.RetryAfter,
        Assertion = attempt?.Request?.Assertion,
        RetriedWithFreshAssertion = attempt?.RetriedWithFreshAssertion ?? false,
        Attempts = attempt?.Number ?? 1,
        HasClientSecret = HasClientSecret,
    };

    /// <summary>The typed error for what the library itself refuses (see <see cref="SalesforceErrorMapper.MapClientError"/>).</summary>
    /// <param name="rowId">The catalogue row.</param>
    /// <param name="summary">What happened (no secrets).</param>
    /// <param name="status">The status of the refused answer, when there was one.</param>
    /// <param name="localTime">The local time of the answer or attempt.</param>
    /// <param name="serverTime">The answer's <c>Date</c>, when sent.</param>
    /// <param name="assertion">What the assertion carried, if any.</param>
    /// <param name="refused">The URL refused as untrusted, if any (only its host is kept).</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>The exception to throw.</returns>
    public SalesforceAuthenticationException Client(string rowId, string summary, HttpStatusCode? status, DateTimeOffset localTime, DateTimeOffset? serverTime, AssertionFacts? assertion, Uri? refused = null, Exception? innerException = null) =>
        SalesforceErrorMapper.MapClientError(new ClientErrorContext
        {
            RowId = rowId,
            Summary = summary,
            Flow = _flow,
            StatusCode = status,
            Endpoint = TokenEndpoint,
            LocalTime = localTime,
            ServerTime = serverTime,
            MeasuredSkew = ClockSkew.MeasuredSkew,
            Assertion = assertion,
            RefusedUrl = refused,
            InnerException = innerException,
        });

    private bool HasClientSecret => !string.IsNullOrEmpty(_options.ClientSecret);
}
