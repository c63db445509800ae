namespace SalesforceAuth;

/// <summary>
/// The refresh token cannot be used: it is revoked, expired or unknown (<see cref="SalesforceReason.RefreshTokenExpired"/>), or another request is refreshing with the same token right now (<see cref="SalesforceReason.RefreshInProgress"/>).
/// </summary>
/// <remarks>For <see cref="SalesforceReason.RefreshTokenExpired"/> the user must authorize the app again to get a new refresh token. For <see cref="SalesforceReason.RefreshInProgress"/> wait for the in-flight refresh and use its result; do not resend the same refresh token (with refresh token rotation that counts as reuse and revokes the chain), which is why it is not marked transient.</remarks>
public sealed class SalesforceRefreshTokenException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceRefreshTokenException()
        : this("The Salesforce refresh token cannot be used.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceRefreshTokenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceRefreshTokenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceRefreshTokenException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException, details)
    {
    }
}
