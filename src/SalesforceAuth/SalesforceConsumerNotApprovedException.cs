namespace SalesforceAuth;

/// <summary>
/// The user is not authorized to use the app (<c>invalid_grant</c> / <c>user hasn't approved this consumer</c>, or the user refused access).
/// </summary>
/// <remarks>Bearer flows need either admin pre-authorization (Permitted Users = "Admin approved users are pre-authorized" plus the user's profile or permission set) or an earlier approval that issued a refresh token. An administrator has to change the app; retrying does not help.</remarks>
public sealed class SalesforceConsumerNotApprovedException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceConsumerNotApprovedException()
        : this("The user has not approved this Salesforce app.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceConsumerNotApprovedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceConsumerNotApprovedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceConsumerNotApprovedException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
