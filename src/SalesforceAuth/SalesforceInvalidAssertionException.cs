namespace SalesforceAuth;

/// <summary>
/// Salesforce rejected the JWT or SAML bearer assertion (<c>invalid_grant</c> / <c>invalid assertion</c>).
/// </summary>
/// <remarks>Most often the signing key does not match the certificate uploaded to the app, "Use digital signatures" is off, or the user does not exist in the org reached (a sandbox user sent to login.salesforce.com). For SAML, <see cref="SalesforceAuthenticationException.ErrorUri"/> links to the org's SAML Assertion Validator when Salesforce could parse the assertion.</remarks>
public sealed class SalesforceInvalidAssertionException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceInvalidAssertionException()
        : this("Salesforce rejected the assertion.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceInvalidAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceInvalidAssertionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceInvalidAssertionException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
