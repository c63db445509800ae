namespace SalesforceAuth;

/// <summary>
/// The consumer key is unknown (<c>invalid_client_id</c>) or the consumer secret is wrong (<c>invalid_client</c>, <c>invalid_client_credentials</c>).
/// </summary>
/// <remarks>Check <see cref="SalesforceReason"/>: <see cref="SalesforceReason.InvalidClientId"/> or <see cref="SalesforceReason.InvalidClientCredentials"/>. A newly created app can take 2-10 minutes to propagate.</remarks>
public sealed class SalesforceInvalidClientException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceInvalidClientException()
        : this("Salesforce did not recognise the app's credentials.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceInvalidClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceInvalidClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceInvalidClientException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
