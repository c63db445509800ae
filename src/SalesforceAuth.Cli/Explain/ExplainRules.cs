using SalesforceAuth.Cli.Doctor;

namespace SalesforceAuth.Cli.Explain;

/// <summary>
/// The Salesforce host, audience and username rules <c>explain</c> checks against. The one place this command asks
/// for them, so that it follows the library's single home of those rules rather than keeping its own.
/// </summary>
internal static class ExplainRules
{
    /// <summary>The audience Salesforce expects for an assertion posted to <paramref name="loginUrl"/>, and the rule that
    /// says so; <paramref name="explicitAudience"/> (<c>--audience</c>) wins when given.</summary>
    public static (string Value, string Rule) ExpectedAudience(Uri loginUrl, string? explicitAudience)
    {
        if (!string.IsNullOrWhiteSpace(explicitAudience))
        {
            return (explicitAudience.Trim().TrimEnd('/'), "the --audience option");
        }

        var audience = SetupShapes.ExpectedAudience(loginUrl);
        var host = loginUrl.Host;
        var rule = audience switch
        {
            SetupShapes.SandboxAudience => $"login URL host {host} is a sandbox login host, so the sandbox audience applies",
            SetupShapes.ProductionAudience => $"login URL host {host} is a production login host, so the production audience applies",
            _ => $"login URL {audience} is an Experience Cloud site, so the site URL is the audience",
        };
        return (audience, rule);
    }

    /// <summary>Whether <paramref name="loginUrl"/> serves production (or Developer Edition) orgs, where a sandbox
    /// username cannot log in.</summary>
    public static bool IsProductionLogin(Uri loginUrl) => SetupShapes.ExpectedAudience(loginUrl) == SetupShapes.ProductionAudience;

    /// <summary>Whether <paramref name="loginUrl"/> is the org's own My Domain (not the shared login service), whose
    /// origin is also accepted as audience.</summary>
    public static bool IsMyDomain(Uri loginUrl) =>
        loginUrl.Host.EndsWith(".my.salesforce.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sandbox suffix of a username (<c>uat</c> in <c>jane@acme.com.uat</c>), or <see langword="null"/>.</summary>
    public static string? SandboxUsernameSuffix(string username) => SetupShapes.SandboxSuffix(username);

    /// <summary>Whether a value looks like a consumer key (<c>3MVG</c> and about 85 characters).</summary>
    public static bool IsConsumerKeyShaped(string value) => SetupShapes.IsConsumerKeyShaped(value);
}
