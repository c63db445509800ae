namespace SalesforceAuth;

/// <summary>
/// The REST API refused the access token as an expired or invalid session (401 <c>INVALID_SESSION_ID</c> "Session expired or invalid", 401 <c>INVALID_AUTH_HEADER</c> <c>INVALID_JWT_FORMAT</c>, or 403 <c>Bad_OAuth_Token</c>), after the caching handler had already renewed the token once.
/// </summary>
/// <remarks>An authentication failure (it derives from <see cref="SalesforceAuthenticationException"/>, so a handler for authentication failures catches it); <see cref="SalesforceAuthenticationException.Error"/> holds the REST <c>errorCode</c> and <see cref="SalesforceAuthenticationException.ErrorDescription"/> its <c>message</c>. When a fresh token is also refused, the request most likely went to a host other than the token's <c>instance_url</c>, or the token belongs to another org.</remarks>
public sealed class SalesforceSessionExpiredException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceSessionExpiredException()
        : this("The Salesforce session is expired or invalid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceSessionExpiredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceSessionExpiredException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceSessionExpiredException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
