using System.Net;

namespace SalesforceAuth.Errors;

/// <summary>The wire data and diagnosis the mapper hands to an exception's constructor.</summary>
internal sealed record SalesforceErrorDetails
{
    public required SalesforceReason Reason { get; init; }

    public string? Error { get; init; }

    public string? ErrorDescription { get; init; }

    public Uri? ErrorUri { get; init; }

    public HttpStatusCode? StatusCode { get; init; }

    public SalesforceFlow? Flow { get; init; }

    public bool IsTransient { get; init; }

    public required SalesforceDiagnosis Diagnosis { get; init; }
}
