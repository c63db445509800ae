namespace SalesforceAuth;

/// <summary>
/// Salesforce rejected the assertion's audience (<c>invalid_grant</c> / <c>audience is invalid</c> or <c>Audience validation failed</c>).
/// </summary>
/// <remarks>Use <c>https://login.salesforce.com</c> for production, <c>https://test.salesforce.com</c> for sandboxes, the Experience Cloud site URL for site users, or the My Domain URL (recommended for External Client Apps).</remarks>
public sealed class SalesforceAudienceException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceAudienceException()
        : this("Salesforce rejected the assertion's audience.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceAudienceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceAudienceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceAudienceException(string message, Exception? innerException, SalesforceErrorDetails details)
        : this(message, innerException, details, Errors.ErrorEvidence.None)
    {
    }

    internal SalesforceAudienceException(string message, Exception? innerException, SalesforceErrorDetails details, Errors.ErrorEvidence evidence)
        : base(message, innerException, details)
    {
        Audience = evidence.Audience;
        AudienceRule = evidence.AudienceRule;
    }

    /// <summary>The audience the assertion carried, when known.</summary>
    public string? Audience { get; }

    /// <summary>Which configuration rule chose the audience, in words, when known.</summary>
    public string? AudienceRule { get; }
}
