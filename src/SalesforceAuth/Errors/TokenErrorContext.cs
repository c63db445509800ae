using System.Net;

namespace SalesforceAuth.Errors;

/// <summary>
/// Everything known about a failed token endpoint exchange, handed to <see cref="SalesforceErrorMapper"/>. The body
/// is the raw response body (possibly truncated); the mapper never copies more than a sanitized excerpt of it.
/// </summary>
internal sealed record TokenErrorContext
{
    /// <summary>The flow being used.</summary>
    public required SalesforceFlow Flow { get; init; }

    /// <summary>The token endpoint URL (no secrets in it).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The response media type, when a response arrived.</summary>
    public string? MediaType { get; init; }

    /// <summary>The raw response body, when a response arrived.</summary>
    public string? Body { get; init; }

    /// <summary>
    /// The OAuth error when the producer has already classified the body in a way <see cref="OAuthErrorBody.Read"/>
    /// cannot (a revoke answer's bare <c>invalid_token</c>); otherwise <see langword="null"/> and <see cref="Body"/> is read.
    /// </summary>
    public OAuthErrorBody? ErrorBody { get; init; }

    /// <summary>The local time when the response arrived.</summary>
    public required DateTimeOffset LocalTime { get; init; }

    /// <summary>The server time from the response's <c>Date</c> header.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>The measured clock offset (server minus local) from the latest response.</summary>
    public TimeSpan? MeasuredSkew { get; init; }

    /// <summary>The <c>Retry-After</c> delay, when sent.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>What the assertion carried (JWT/SAML flows).</summary>
    public AssertionFacts? Assertion { get; init; }

    /// <summary>Whether a fresh, skew-corrected assertion was already tried after an <c>expired authorization code</c>.</summary>
    public bool RetriedWithFreshAssertion { get; init; }

    /// <summary>The number of attempts made.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The transport failure (timeout, connection refused, TLS), when no usable response arrived.</summary>
    public Exception? TransportException { get; init; }

    /// <summary>Whether a client secret was configured (for diagnoses that depend on it; never the secret).</summary>
    public bool HasClientSecret { get; init; }
}
