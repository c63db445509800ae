using System.Net;

namespace SalesforceAuth.Errors;

/// <summary>
/// What the library itself found wrong, handed to <see cref="SalesforceErrorMapper.MapClientError"/>: the catalogue row
/// that explains it and what happened this time.
/// </summary>
internal sealed record ClientErrorContext
{
    /// <summary>The catalogue row (<see cref="ErrorCatalogEntry.Id"/>), for the reason, type, causes and remedies.</summary>
    public required string RowId { get; init; }

    /// <summary>What happened this time: the message and the diagnosis' summary (no secrets).</summary>
    public required string Summary { get; init; }

    /// <summary>The flow being used, when known.</summary>
    public SalesforceFlow? Flow { get; init; }

    /// <summary>The HTTP status of the answer that was refused, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The token endpoint of the connection, when the failure is about its exchanges.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The local time of the answer (or of the attempt).</summary>
    public DateTimeOffset? LocalTime { get; init; }

    /// <summary>The server time from the answer's <c>Date</c> header.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>The measured clock offset (server minus local), for the diagnosis.</summary>
    public TimeSpan? MeasuredSkew { get; init; }

    /// <summary>What the assertion carried (JWT/SAML flows).</summary>
    public AssertionFacts? Assertion { get; init; }

    /// <summary>The URL refused as untrusted; only its host is kept.</summary>
    public Uri? RefusedUrl { get; init; }

    /// <summary>Further facts, keyed by <see cref="SalesforceDiagnosisFacts"/> names.</summary>
    public IReadOnlyDictionary<string, string>? Facts { get; init; }

    /// <summary>The cause, if any.</summary>
    public Exception? InnerException { get; init; }
}
