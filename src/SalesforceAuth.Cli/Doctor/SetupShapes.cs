using System.Text.RegularExpressions;

namespace SalesforceAuth.Cli.Doctor;

/// <summary>Offline shape checks of a setup: consumer key, username, audience (reference §1.1, §2.3, §2.4).</summary>
internal static partial class SetupShapes
{
    public const string ProductionAudience = "https://login.salesforce.com";
    public const string SandboxAudience = "https://test.salesforce.com";

    // Labels that end real domains; a username with one more label after them carries a sandbox suffix
    // (Salesforce appends ".<sandboxname>" to usernames when it copies production into a sandbox).
    private static readonly HashSet<string> CommonTopLevelDomains = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "io", "biz", "info", "co", "us", "uk", "de", "fr", "ca", "au", "in", "jp", "nl", "es", "it", "ch", "se", "br", "example",
    };

    private static readonly HashSet<string> SecondLevelLabels = new(StringComparer.OrdinalIgnoreCase) { "co", "com", "org", "net", "ac", "gov", "edu" };

    /// <summary>Whether the consumer key looks like one: <c>3MVG</c> and about 85 characters of [A-Za-z0-9._].</summary>
    public static bool IsConsumerKeyShaped(string clientId) =>
        clientId.StartsWith("3MVG", StringComparison.Ordinal) && clientId.Length is >= 70 and <= 100 && ConsumerKeyCharacters().IsMatch(clientId);

    public static bool IsEmailShaped(string username) => EmailShape().IsMatch(username);

    /// <summary>The sandbox suffix of a username (<c>uat</c> in <c>jane@acme.com.uat</c>), or <see langword="null"/>.</summary>
    public static string? SandboxSuffix(string username)
    {
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
        if (!CommonTopLevelDomains.Contains(beforeLast))
        {
            return null;
        }

        // acme.co.uk, acme.com.au: a country code after a second-level label is a real domain, not a sandbox.
        return last.Length == 2 && SecondLevelLabels.Contains(beforeLast) ? null : last;
    }

    /// <summary>The audience Salesforce expects for a login URL (the library's default rules, reference §2.4).</summary>
    public static string ExpectedAudience(Uri loginUrl)
    {
        var host = loginUrl.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host == "test.salesforce.com" || host.EndsWith(".sandbox.my.salesforce.com", StringComparison.Ordinal) ||
            (host.Contains("--", StringComparison.Ordinal) && host.EndsWith(".my.salesforce.com", StringComparison.Ordinal)))
        {
            return SandboxAudience;
        }

        var path = loginUrl.AbsolutePath.TrimEnd('/');
        if (host.EndsWith(".my.site.com", StringComparison.Ordinal) || host.EndsWith(".force.com", StringComparison.Ordinal) ||
            (path.Length > 0 && host != "login.salesforce.com"))
        {
            return loginUrl.GetLeftPart(UriPartial.Authority) + path;
        }

        return ProductionAudience;
    }

    [GeneratedRegex("^[A-Za-z0-9._]+$")]
    private static partial Regex ConsumerKeyCharacters();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s.]+$")]
    private static partial Regex EmailShape();
}
