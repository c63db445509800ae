using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SalesforceAuth.Errors;

/// <summary>
/// Makes a short, printable excerpt of text that came from the network (a response body, a wire error) so it can go
/// into an exception message or a diagnosis: secrets are redacted, control characters removed, and the result capped
/// at <see cref="MaxExcerptLength"/> characters. observed: access tokens start with the org id and <c>!</c>;
/// refresh tokens, assertions, secrets and the <c>signature</c> are credentials too.
/// </summary>
internal static partial class ResponseSanitizer
{
    /// <summary>The longest excerpt produced, ellipsis included.</summary>
    public const int MaxExcerptLength = 200;

    private const string Redacted = "[redacted]";

    /// <summary>Returns a sanitized excerpt of at most <see cref="MaxExcerptLength"/> characters (empty for null).</summary>
    /// <param name="text">Untrusted text.</param>
    /// <returns>The excerpt.</returns>
    public static string Excerpt(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Redact the whole text before anything is cut: a credential cut first (at a window's edge) no longer matches
        // the patterns, and its head would be shown. The text is bounded by the callers (bodies are read up to
        // ResponseBody.MaxBytes), and the patterns are linear, so the cost is bounded too.
        var printable = Printable(Redact(text));
        if (printable.Length > MaxExcerptLength)
        {
            var cut = MaxExcerptLength - 1;
            if (char.IsHighSurrogate(printable[cut - 1]))
            {
                cut--;
            }

            printable = string.Concat(printable.AsSpan(0, cut), "…");
        }

        // A cut can leave the head of a long credential that no longer matches the patterns above; catch it again.
        return LongRunPattern().Replace(printable, RedactLongRun);
    }

    /// <summary>Redacts credential-shaped content without shortening anything else.</summary>
    /// <param name="text">Untrusted text.</param>
    /// <returns>The text with secrets replaced by <c>[redacted]</c>.</returns>
    public static string Redact(string text)
    {
        var result = JsonSecretPattern().Replace(text, m => string.Concat("\"", m.Groups["key"].Value, "\":\"", Redacted, "\""));
        result = FormSecretPattern().Replace(result, m => string.Concat(m.Groups["key"].Value, "=", Redacted));
        result = XmlSecretPattern().Replace(result, m => string.Concat("<", m.Groups["key"].Value, ">", Redacted));
        result = SessionIdPattern().Replace(result, Redacted);
        result = JwtPattern().Replace(result, Redacted);
        result = LongRunPattern().Replace(result, RedactLongRun);
        return result;
    }

    // A credential mixes letters and digits; a URL path or a long word (setup/secur/SAMLValidationPage) does not.
    private static string RedactLongRun(Match match)
    {
        var value = match.ValueSpan;
        return (value.IndexOfAnyInRange('0', '9') >= 0 && (value.IndexOfAnyInRange('A', 'Z') >= 0 || value.IndexOfAnyInRange('a', 'z') >= 0)) || value.Length >= 64
            ? Redacted
            : match.Value;
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxExcerptLength * 2));
        var lastWasSpace = false;
        foreach (var ch in text)
        {
            var category = char.GetUnicodeCategory(ch);
            var isSpace = char.IsWhiteSpace(ch)
                || category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            if (isSpace)
            {
                if (!lastWasSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            sb.Append(ch);
            lastWasSpace = false;
            if (sb.Length > MaxExcerptLength + 1)
            {
                break;
            }
        }

        return sb.ToString().TrimEnd();
    }

    private const string SecretKeys = "access_token|refresh_token|assertion|client_secret|signature|id_token|subject_token|actor_token|password|code_verifier";

    [GeneratedRegex("\"(?<key>" + SecretKeys + ")\"\\s*:\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonSecretPattern();

    [GeneratedRegex("(?<key>" + SecretKeys + ")=[^&\\s\"'<]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FormSecretPattern();

    [GeneratedRegex("<(?<key>(?:[A-Za-z0-9_]+:)?(?:SignatureValue|X509Certificate|" + SecretKeys + "))(?:\\s[^>]*)?>[^<]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex XmlSecretPattern();

    // A session id / access token: 15- or 18-character org id starting 00D, then '!' and the opaque part (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5).
    [GeneratedRegex("00D[A-Za-z0-9]{12,15}![^\\s\"'&,;<>]*", RegexOptions.CultureInvariant)]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex("eyJ[A-Za-z0-9_\\-]*(?:\\.[A-Za-z0-9_\\-]*){1,2}", RegexOptions.CultureInvariant)]
    private static partial Regex JwtPattern();

    // Long base64, base64url or percent-encoded runs: signatures, refresh tokens, encoded assertions.
    [GeneratedRegex("[A-Za-z0-9+/_%\\-]{32,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex LongRunPattern();
}
