namespace SalesforceAuth;

/// <summary>
/// Salesforce refused the request because a limit was reached: the login rate limit (<c>rate_limit_exceeded</c>, HTTP 429) or the REST API request limit (<c>REQUEST_LIMIT_EXCEEDED</c>).
/// </summary>
/// <remarks>Transient: back off and retry later. <see cref="RetryAfter"/> is set when Salesforce said how long to wait. Cache tokens: minting a token per call exhausts the login limit.</remarks>
public sealed class SalesforceRateLimitException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceRateLimitException()
        : this("A Salesforce rate limit was reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceRateLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceRateLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceRateLimitException(string message, Exception? innerException, SalesforceErrorDetails details)
        : this(message, innerException, details, Errors.ErrorEvidence.None)
    {
    }

    internal SalesforceRateLimitException(string message, Exception? innerException, SalesforceErrorDetails details, Errors.ErrorEvidence evidence)
        : base(message, innerException, details)
    {
        RetryAfter = evidence.RetryAfter;
    }

    /// <summary>How long Salesforce asked to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
