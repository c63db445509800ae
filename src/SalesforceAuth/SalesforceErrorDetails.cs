using System.Net;

namespace SalesforceAuth;

/// <summary>
/// The wire data and diagnosis of a <see cref="SalesforceAuthenticationException"/>, handed to its constructor: the
/// exception itself has no setters, so what a caller catches is what the library saw.
/// </summary>
/// <remarks>
/// The library builds these through its one error pipeline; the constructor that takes them is public so that the
/// library's sibling packages (for example SalesforceAuth.Grpc) and tests can create the same exceptions.
/// </remarks>
public sealed record SalesforceErrorDetails
{
    /// <summary>The classified reason.</summary>
    public required SalesforceReason Reason { get; init; }

    /// <summary>The OAuth <c>error</c> (or REST <c>errorCode</c>) as sent, or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The OAuth <c>error_description</c> (or REST <c>message</c>) as sent, or <see langword="null"/>.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>The <c>error_uri</c>, when sent.</summary>
    public Uri? ErrorUri { get; init; }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The flow that was being used, when known.</summary>
    public SalesforceFlow? Flow { get; init; }

    /// <summary>Whether the same request may succeed later without a configuration change.</summary>
    public bool IsTransient { get; init; }

    /// <summary>What happened, the likely causes and how to fix it; <see langword="null"/> for the message alone.</summary>
    public SalesforceDiagnosis? Diagnosis { get; init; }
}
