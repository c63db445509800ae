using System.Text.Json;

namespace SalesforceAuth.Errors;

/// <summary>The outcome of reading a token endpoint error body; never throws on malformed input.</summary>
internal readonly record struct OAuthErrorBody(OAuthErrorBodyKind Kind, string? Error, string? Description, Uri? ErrorUri)
{
    /// <summary>Bodies longer than this are not parsed: an OAuth error is a few hundred bytes.</summary>
    public const int MaxParsedLength = 64 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads <c>{"error","error_description","error_uri"}</c> from a body.</summary>
    /// <param name="body">The raw body.</param>
    /// <param name="mediaType">The response media type.</param>
    /// <returns>What the body is.</returns>
    public static OAuthErrorBody Read(string? body, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new(OAuthErrorBodyKind.Empty, null, null, null);
        }

        if (body.Length > MaxParsedLength)
        {
            return new(OAuthErrorBodyKind.TooLarge, null, null, null);
        }

        // A byte order mark is not white space to .NET but is harmless in JSON; proxies sometimes add one.
        var start = body.AsSpan().TrimStart().TrimStart('\uFEFF').TrimStart();
        if (start.IsEmpty)
        {
            return new(OAuthErrorBodyKind.Empty, null, null, null);
        }

        var first = start[0];
        if (first is not ('{' or '[') && !IsJsonMediaType(mediaType))
        {
            return new(OAuthErrorBodyKind.NotJson, null, null, null);
        }

        if (first == '<')
        {
            // Declared JSON but an HTML page (a maintenance page behind a misconfigured proxy).
            return new(OAuthErrorBodyKind.NotJson, null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(start.Length == body.Length ? body : start.ToString(), Options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(error.GetString()))
            {
                return new(OAuthErrorBodyKind.WrongShape, null, null, null);
            }

            var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            Uri? errorUri = null;
            if (root.TryGetProperty("error_uri", out var u) && u.ValueKind == JsonValueKind.String
                && Uri.TryCreate(u.GetString(), UriKind.Absolute, out var parsed)
                && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
            {
                // Keep scheme, host and path only: the validator link needs nothing else, and a query could carry anything.
                errorUri = new Uri(parsed.GetLeftPart(UriPartial.Path));
            }

            return new(OAuthErrorBodyKind.OAuthError, error.GetString(), description, errorUri);
        }
        catch (JsonException)
        {
            return new(OAuthErrorBodyKind.Malformed, null, null, null);
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (lone surrogates) in the body.
            return new(OAuthErrorBodyKind.Malformed, null, null, null);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") parses as JSON, but GetString cannot turn it into a string.
            return new(OAuthErrorBodyKind.Malformed, null, null, null);
        }
    }

    internal static bool IsJsonMediaType(string? mediaType) =>
        mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
}
