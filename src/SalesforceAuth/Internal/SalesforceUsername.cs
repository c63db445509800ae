using System.Globalization;

namespace SalesforceAuth.Internal;

/// <summary>
/// The rule for Salesforce usernames that decides when two of them name the same user: ASCII only, compared without
/// regard to ASCII case. Salesforce usernames are email-style ASCII names matched case-insensitively; a non-ASCII one
/// could only be a look-alike, and Unicode case mapping folds some look-alikes into real names (U+017F 'ſ' upper-cases
/// to 'S'), so they are refused rather than folded.
/// </summary>
internal static class SalesforceUsername
{
    /// <summary>Describes why a username cannot be used, or <see langword="null"/> when it can.</summary>
    /// <param name="username">The username.</param>
    /// <returns>The problem, a sentence to follow "Username ", or <see langword="null"/>.</returns>
    public static string? GetProblem(string username)
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
    public static string FoldCase(string username)
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
