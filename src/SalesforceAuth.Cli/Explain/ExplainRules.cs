namespace SalesforceAuth.Cli.Explain;

/// <summary>
/// The Salesforce host, audience and username rules <c>explain</c> checks against, all taken from the library's one
/// home of those rules (<see cref="SalesforceLoginHost"/>, <see cref="SalesforceUsername"/>,
/// <see cref="SalesforceConsumerKey"/>), so that explain agrees with what the token client sends and the doctor checks.
/// </summary>
internal static class ExplainRules
{
    /// <summary>The audience Salesforce expects for an assertion posted to <paramref name="loginUrl"/>, and the rule that
    /// says so; <paramref name="explicitAudience"/> (<c>--audience</c>) wins when given.</summary>
    /// <exception cref="SalesforceConfigurationException">The explicit audience is malformed.</exception>
    public static SalesforceAudience ExpectedAudience(Uri loginUrl, string? explicitAudience) =>
        SalesforceLoginHost.Parse(loginUrl).ResolveAudience(explicitAudience, useMyDomainAsAudience: false);

    /// <summary>Whether the org's own My Domain URL is also an accepted audience (posting to that My Domain).</summary>
    public static bool AcceptsMyDomainAudience(Uri loginUrl) =>
        SalesforceLoginHost.Parse(loginUrl).Kind is SalesforceLoginHostKind.MyDomain or SalesforceLoginHostKind.SandboxMyDomain or SalesforceLoginHostKind.LegacySandboxMyDomain;

    /// <summary>The token endpoint of a login URL (a SAML assertion's Recipient), keeping a site's path prefix.</summary>
    public static Uri TokenEndpoint(Uri loginUrl) => SalesforceLoginHost.Parse(loginUrl).TokenEndpoint;

    /// <summary>Whether an assertion with <paramref name="audience"/> sent through <paramref name="loginUrl"/> is looked up
    /// in production, where a sandbox user does not exist.</summary>
    public static bool ReachesProduction(Uri loginUrl, string audience) => SalesforceLoginHost.Parse(loginUrl).ReachesProduction(audience);

    /// <summary>The sandbox suffix of a username (<c>uat</c> in <c>jane@acme.com.uat</c>), or <see langword="null"/>.</summary>
    public static string? SandboxUsernameSuffix(string username) => SalesforceUsername.GetSandboxSuffix(username);

    /// <summary>Whether a value looks like a consumer key.</summary>
    public static bool IsConsumerKeyShaped(string value) => SalesforceConsumerKey.IsWellFormed(value);
}
