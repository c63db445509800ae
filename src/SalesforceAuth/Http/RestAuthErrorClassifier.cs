using System.Net;
using System.Text.Json;

namespace SalesforceAuth.Http;

/// <summary>
/// Reads a REST error response and tells whether a new token may help. Kept small and local to the handler; the
/// error mapper's REST classifier can replace <see cref="Classify"/> without changing its callers.
/// </summary>
internal static class RestAuthErrorClassifier
{
    /// <summary>Bodies larger than this are not Salesforce auth errors and are not read.</summary>
    internal const int MaxBodyBytes = 16 * 1024;

    /// <summary>Classifies a <c>401</c> or <c>403</c> response, buffering its (small) body so the caller can still read it.</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The classification.</returns>
    public static async Task<RestAuthFailure> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return RestAuthFailure.Other;
        }

        var content = response.Content;
        if (content.Headers.ContentLength is > MaxBodyBytes)
        {
            return RestAuthFailure.Other;
        }

        string body;
        try
        {
#if NET9_0_OR_GREATER
            await content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false);
#else
            await content.LoadIntoBufferAsync(MaxBodyBytes).ConfigureAwait(false);
#endif
            body = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Larger than the limit without a Content-Length, or the connection broke: not a session error we can fix.
            return RestAuthFailure.Other;
        }

        return Classify(response.StatusCode, body);
    }

    /// <summary>Classifies a REST error body.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body.</param>
    /// <returns>The classification.</returns>
    public static RestAuthFailure Classify(HttpStatusCode status, string body)
    {
        var trimmed = body.AsSpan().Trim();

        // /services/oauth2/* and /id/* answer a bad token with 403 and plain text (§9.4, §10.2).
        if (trimmed.Equals("Bad_OAuth_Token", StringComparison.Ordinal))
        {
            return RestAuthFailure.SessionExpired;
        }

        if (status != HttpStatusCode.Unauthorized || trimmed.IsEmpty || trimmed[0] != '[')
        {
            return RestAuthFailure.Other;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var error in document.RootElement.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var code = error.TryGetProperty("errorCode", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                if (string.Equals(code, "INVALID_SESSION_ID", StringComparison.Ordinal))
                {
                    // The same code covers a session the REST API refuses by policy (jsforce PR #1301): renewing cannot fix it.
                    return message is not null && message.Contains("not valid for use with the REST API", StringComparison.OrdinalIgnoreCase)
                        ? RestAuthFailure.SessionNotValidForApi
                        : RestAuthFailure.SessionExpired;
                }

                if (string.Equals(code, "INVALID_AUTH_HEADER", StringComparison.Ordinal)
                    && string.Equals(message, "INVALID_JWT_FORMAT", StringComparison.OrdinalIgnoreCase))
                {
                    // A JWT-based access token that is malformed or expired (§10.2): one renewal may help.
                    return RestAuthFailure.SessionExpired;
                }
            }
        }
        catch (JsonException)
        {
            return RestAuthFailure.Other;
        }
        catch (InvalidOperationException)
        {
            return RestAuthFailure.Other;
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate) in the body text.
            return RestAuthFailure.Other;
        }

        return RestAuthFailure.Other;
    }
}
