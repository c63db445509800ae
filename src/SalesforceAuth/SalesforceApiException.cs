using System.Net;

namespace SalesforceAuth;

/// <summary>
/// The Salesforce REST API answered with an error that is not an authentication failure (for example
/// <c>MALFORMED_QUERY</c>, <c>REQUIRED_FIELD_MISSING</c>, <c>API_DISABLED_FOR_ORG</c>): thrown by
/// <see cref="SalesforceHttpResponseMessageExtensions.EnsureSalesforceSuccessAsync"/> with the first entry of the
/// REST error array (<c>[{"message","errorCode","fields"}]</c>).
/// </summary>
/// <remarks>
/// Derives from <see cref="HttpRequestException"/>, so code that already handles
/// <see cref="HttpResponseMessage.EnsureSuccessStatusCode"/> keeps working; <see cref="HttpRequestException.StatusCode"/>
/// holds the HTTP status. Authentication failures are not this type: an expired session is a
/// <see cref="SalesforceSessionExpiredException"/> and an exhausted request limit a <see cref="SalesforceRateLimitException"/>,
/// both <see cref="SalesforceAuthenticationException"/>s.
/// </remarks>
public sealed class SalesforceApiException : HttpRequestException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceApiException()
        : this("The Salesforce REST API returned an error.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    public SalesforceApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a message and the HTTP status.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="statusCode">The HTTP status of the response.</param>
    public SalesforceApiException(string message, Exception? innerException, HttpStatusCode? statusCode)
        : base(message, innerException, statusCode)
    {
    }

    /// <summary>Creates an exception with the first REST error the body listed (used by the error mapper).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="info">What the body said.</param>
    internal SalesforceApiException(string message, HttpStatusCode statusCode, Errors.RestErrorInfo info)
        : base(message, null, statusCode)
    {
        ErrorCode = info.ErrorCode;
        ApiMessage = info.Message;
        Fields = info.Fields;
        ErrorCount = info.Count;
    }

    /// <summary>The REST <c>errorCode</c> of the first error (for example <c>MALFORMED_QUERY</c>), when the body had one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The REST <c>message</c> of the first error as sent, when the body had one.</summary>
    public string? ApiMessage { get; }

    /// <summary>The REST <c>fields</c> of the first error (the fields at fault); empty when none were sent.</summary>
    public IReadOnlyList<string> Fields { get; } = [];

    /// <summary>How many errors the response listed (the properties above describe the first).</summary>
    public int ErrorCount { get; }
}
