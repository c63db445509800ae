using System.Globalization;

namespace SalesforceAuth;

/// <summary>
/// Shape rules for Salesforce usernames (JWT <c>sub</c>, SAML <c>NameID</c>). A username is in email form; when
/// Salesforce copies production into a sandbox it appends <c>.&lt;sandbox name&gt;</c> to every username
/// (<c>jane@acme.com</c> becomes <c>jane@acme.com.uat</c>). Source: Salesforce Help, "OAuth 2.0 JWT Bearer Flow for
/// Server-to-Server Integration" (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).
/// </summary>
public static class SalesforceUsername
{
    // Top-level domains a production username commonly ends in: one more label after one of them is a sandbox suffix.
    private static readonly HashSet<string> TopLevelDomains = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "io", "biz", "info", "co", "us", "uk", "de", "fr", "ca", "au", "in", "jp",
        "nl", "es", "it", "ch", "se", "br", "at", "be", "dk", "fi", "ie", "no", "nz", "pl", "pt", "sg", "example",
    };

    // Second-level labels used under country codes (acme.co.uk, acme.com.au): there a two-letter last label is the
    // country, not a sandbox.
    private static readonly HashSet<string> SecondLevelLabels = new(StringComparer.OrdinalIgnoreCase) { "co", "com", "org", "net", "ac", "gov", "edu" };

    // A generic top-level domain after another top-level domain (acme.uk.com) is a real domain, not a sandbox suffix.
    private static readonly HashSet<string> GenericTopLevelDomains = new(StringComparer.OrdinalIgnoreCase) { "com", "org", "net", "edu", "gov", "mil", "int" };

    /// <summary>Whether <paramref name="username"/> is in email form (<c>name@domain.tld</c>), as every Salesforce username is.</summary>
    /// <param name="username">The username.</param>
    /// <returns><see langword="true"/> for an email-shaped username.</returns>
    public static bool IsWellFormed(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        var at = username.LastIndexOf('@');
        if (at <= 0 || username.IndexOf('@', StringComparison.Ordinal) != at || username.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var domain = username[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        return dot > 0 && dot < domain.Length - 1;
    }

    /// <summary>
    /// The sandbox suffix of a username (<c>uat</c> in <c>jane@acme.com.uat</c> or <c>jane@acme.de.uat</c>), or
    /// <see langword="null"/> when the username looks like a production one (<c>jane@acme.com</c>, <c>jane@acme.co.uk</c>).
    /// A heuristic: a label after a common top-level domain.
    /// </summary>
    /// <param name="username">The username.</param>
    /// <returns>The suffix without its dot, or <see langword="null"/>.</returns>
    public static string? GetSandboxSuffix(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        var at = username.LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }

        var labels = username[(at + 1)..].Split('.');
        if (labels.Length < 3)
        {
            return null;
        }

        var last = labels[^1];
        var beforeLast = labels[^2];
        if (last.Length == 0 || !last.All(char.IsAsciiLetterOrDigit) || !TopLevelDomains.Contains(beforeLast) || GenericTopLevelDomains.Contains(last))
        {
            return null;
        }

        return last.Length == 2 && SecondLevelLabels.Contains(beforeLast) ? null : last;
    }

    /// <summary>Describes why a username cannot be used, or <see langword="null"/> when it can.</summary>
    /// <param name="username">The username.</param>
    /// <returns>The problem, a sentence to follow "Username ", or <see langword="null"/>.</returns>
    internal static string? GetProblem(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        foreach (var c in username)
        {
            if (!char.IsAscii(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains the non-ASCII character U+{(int)c:X4}; Salesforce usernames are ASCII, for example \"integration@acme.com\".");
            }
        }

        return null;
    }

    /// <summary>Folds ASCII upper case to lower case and leaves every other character alone (no culture, no Unicode mapping).</summary>
    /// <param name="username">A username that passed <see cref="GetProblem"/>.</param>
    /// <returns>The folded username.</returns>
    internal static string FoldCase(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return string.Create(username.Length, username, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
            }
        });
    }
}
