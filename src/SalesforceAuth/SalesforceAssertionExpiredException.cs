namespace SalesforceAuth;

/// <summary>
/// Salesforce rejected the JWT or SAML bearer assertion as expired (<c>invalid_grant</c> / <c>expired authorization code</c>): its <c>exp</c> (or <c>NotOnOrAfter</c>) was already past by Salesforce's clock.
/// </summary>
/// <remarks>Usually the local clock is behind Salesforce, the expiry was computed from local time as if it were UTC, or the validity is too short. The diagnosis shows the evidence: the assertion's expiry, the server time from the <c>Date</c> header, the local time and the measured skew. The library has already retried once with a skew-corrected assertion when skew compensation is on, so retrying again will not help until the clock or the configuration is fixed.</remarks>
public sealed class SalesforceAssertionExpiredException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceAssertionExpiredException()
        : this("The Salesforce assertion had expired.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceAssertionExpiredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceAssertionExpiredException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceAssertionExpiredException(string message, Exception? innerException, SalesforceErrorDetails details)
        : this(message, innerException, details, Errors.ErrorEvidence.None)
    {
    }

    internal SalesforceAssertionExpiredException(string message, Exception? innerException, SalesforceErrorDetails details, Errors.ErrorEvidence evidence)
        : base(message, innerException, details)
    {
        ClockSkew = evidence.ClockSkew;
        AssertionExpiresAt = evidence.AssertionExpiresAt;
        ServerTime = evidence.ServerTime;
        LocalTime = evidence.LocalTime;
    }

    /// <summary>The measured offset of Salesforce's clock from the local clock (server minus local); positive when the local clock is behind.</summary>
    public TimeSpan? ClockSkew { get; }

    /// <summary>The <c>exp</c> / <c>NotOnOrAfter</c> the rejected assertion carried, when known.</summary>
    public DateTimeOffset? AssertionExpiresAt { get; }

    /// <summary>Salesforce's time, from the response's <c>Date</c> header, when sent.</summary>
    public DateTimeOffset? ServerTime { get; }

    /// <summary>The local time when the response arrived.</summary>
    public DateTimeOffset? LocalTime { get; }
}
