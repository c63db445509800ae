namespace SalesforceAuth;

/// <summary>
/// A response pointed the library at a host that is not a trusted Salesforce domain (an <c>instance_url</c>, <c>api_instance_url</c> or redirect), so the token was not used there.
/// </summary>
/// <remarks>Only the refused host is kept, never the full URL. If the host is yours (a custom domain), add it to <see cref="SalesforceClientOptions.TrustedDomains"/>.</remarks>
public sealed class SalesforceUntrustedInstanceException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceUntrustedInstanceException()
        : this("Salesforce pointed to an untrusted host.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceUntrustedInstanceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceUntrustedInstanceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceUntrustedInstanceException(string message, Exception? innerException, SalesforceErrorDetails details)
        : this(message, innerException, details, Errors.ErrorEvidence.None)
    {
    }

    internal SalesforceUntrustedInstanceException(string message, Exception? innerException, SalesforceErrorDetails details, Errors.ErrorEvidence evidence)
        : base(message, innerException, details)
    {
        RefusedHost = evidence.RefusedHost;
    }

    /// <summary>The host that was refused (never the full URL).</summary>
    public string? RefusedHost { get; }
}
