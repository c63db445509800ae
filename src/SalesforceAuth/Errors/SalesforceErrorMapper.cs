namespace SalesforceAuth.Errors;

/// <summary>Turns failed token endpoint exchanges into typed exceptions with a diagnosis.</summary>
internal static class SalesforceErrorMapper
{
    /// <summary>Maps a failed token endpoint exchange.</summary>
    /// <param name="context">What is known about the failure.</param>
    /// <returns>The exception to throw.</returns>
    public static SalesforceAuthenticationException MapTokenError(TokenErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SalesforceAuthenticationException($"Salesforce refused the token request ({(int?)context.StatusCode}).", context.TransportException)
        {
            StatusCode = context.StatusCode,
            Flow = context.Flow,
            IsTransient = context.TransportException is not null,
        };
    }
}
