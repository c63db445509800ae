using System.Net;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>One answer of the token endpoint, read in full up to <see cref="Internal.ResponseBody.MaxBytes"/> (the body is a secret on success: never log it).</summary>
internal sealed class TokenEndpointResponse
{
    /// <summary>The HTTP status.</summary>
    public required HttpStatusCode StatusCode { get; init; }

    /// <summary>The media type, when sent.</summary>
    public string? MediaType { get; init; }

    /// <summary>The body.</summary>
    public required string Body { get; init; }

    /// <summary>The URL that answered (after redirects).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The local arrival time.</summary>
    public required DateTimeOffset LocalTime { get; init; }

    /// <summary>The <c>Date</c> header.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>The <c>Retry-After</c> delay (delta seconds or HTTP date), when sent.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether the body is JSON (by media type, or by shape when the media type is missing).</summary>
    public bool IsJson => MediaType is null
        ? Body.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal)
        : MediaType.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether retrying may help: 5xx, 429, or a non-JSON answer (maintenance page, proxy). A 404 never is: the URL
    /// posted to does not exist, which is a wrong LoginUrl, and retrying only hides that for the retry budget.
    /// </summary>
    public bool IsTransient => StatusCode != HttpStatusCode.NotFound
        && ((int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests || !IsJson);

    /// <summary>Whether this is a success status.</summary>
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;
}
