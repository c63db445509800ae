namespace SalesforceAuth;

/// <summary>
/// Salesforce could not be reached or answered with a server error: 5xx, a maintenance or proxy HTML page, a non-JSON answer, a timeout or a network failure that outlasted the retries.
/// </summary>
/// <remarks>Transient: retry later. The diagnosis carries the status and a short, sanitized excerpt of what came back.</remarks>
public sealed class SalesforceServiceUnavailableException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceServiceUnavailableException()
        : this("Salesforce is unavailable.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceServiceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceServiceUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceServiceUnavailableException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
