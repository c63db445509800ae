using System.Net;
using SalesforceAuth.Errors;

namespace SalesforceAuth;

/// <summary>
/// Salesforce refused to issue or honour a token, or could not be reached. Carries the wire data as sent
/// (<see cref="Error"/>, <see cref="ErrorDescription"/>, <see cref="StatusCode"/>), a classified <see cref="Reason"/>,
/// whether retrying later can help (<see cref="IsTransient"/>), and a <see cref="Diagnosis"/> that says what happened
/// and how to fix it. Never contains a token, assertion, secret or key.
/// </summary>
/// <remarks>
/// Derived types exist where a caller acts differently (for example <see cref="SalesforceAssertionExpiredException"/>,
/// <see cref="SalesforceRateLimitException"/>, <see cref="SalesforceSessionExpiredException"/>); catch this type to
/// handle them all. Every other reason is thrown as this type with the right <see cref="Reason"/>.
/// </remarks>
public class SalesforceAuthenticationException : Exception
{
    private readonly SalesforceDiagnosis? _diagnosis;

    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceAuthenticationException()
        : this("Salesforce authentication failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the library's error pipeline creates them all this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="details">The wire data and diagnosis.</param>
    public SalesforceAuthenticationException(string message, Exception? innerException, SalesforceErrorDetails details)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(details);
        Reason = details.Reason;
        Error = details.Error;
        ErrorDescription = details.ErrorDescription;
        ErrorUri = details.ErrorUri;
        StatusCode = details.StatusCode;
        Flow = details.Flow;
        IsTransient = details.IsTransient;
        _diagnosis = details.Diagnosis;
    }

    /// <summary>The classified reason.</summary>
    public SalesforceReason Reason { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is, or wraps, a transient Salesforce authentication failure: for the
    /// <c>ShouldHandle</c> predicate of a resilience pipeline (Microsoft.Extensions.Http.Resilience, Polly) placed
    /// around the authentication handler, which otherwise retries only <see cref="HttpRequestException"/>s and
    /// transient status codes and never sees a failed token request as one.
    /// </summary>
    /// <remarks>
    /// A failed token request leaves <see cref="HttpClient"/> as this type, not as an <see cref="HttpRequestException"/>,
    /// so that a refusal (a wrong key, an unapproved user) is never retried by a generic pipeline; the token client has
    /// already retried a transient failure <see cref="SalesforceClientOptions.MaxRetries"/> times within
    /// <see cref="SalesforceClientOptions.TotalTimeout"/>. Use this predicate to let an outer pipeline retry it again.
    /// </remarks>
    /// <param name="exception">The outcome's exception, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> for a transient failure (<see cref="IsTransient"/>).</returns>
    public static bool IsTransientFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SalesforceAuthenticationException auth)
            {
                return auth.IsTransient;
            }
        }

        return false;
    }

    /// <summary>The OAuth <c>error</c> as sent by Salesforce, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>The OAuth <c>error_description</c> as sent by Salesforce, or <see langword="null"/>.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The <c>error_uri</c> (for SAML, the org's SAML Assertion Validator), when sent.</summary>
    public Uri? ErrorUri { get; }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The flow that was being used, when known.</summary>
    public SalesforceFlow? Flow { get; }

    /// <summary>Whether the same request may succeed later without a configuration change.</summary>
    public bool IsTransient { get; }

    /// <summary>What happened, the likely causes and how to fix it.</summary>
    public SalesforceDiagnosis Diagnosis => _diagnosis ?? new SalesforceDiagnosis(Message);

    /// <summary>The exception, the wire error and the full diagnosis; never a secret.</summary>
    /// <returns>A multi-line description.</returns>
    public override string ToString()
    {
        // The wire values are rendered through the sanitizer: a mutated or hostile body must not smuggle a token into logs.
        var wire = Error is null ? string.Empty : $" [{ResponseSanitizer.Excerpt(Error)}: {ResponseSanitizer.Excerpt(ErrorDescription)}]";
        return $"{base.ToString()}{Environment.NewLine}Reason: {Reason}{wire}{Environment.NewLine}{Diagnosis}";
    }
}
