namespace SalesforceAuth.Assertions;

/// <summary>
/// Chooses the assertion audience (<c>aud</c>, SAML <c>Audience</c>) from the settings, and says which rule chose it
/// so a diagnosis can explain an <c>audience is invalid</c> refusal (reference §2.4).
/// </summary>
/// <remarks>
/// Rules, first match wins:
/// 1. <see cref="SalesforceClientOptions.Audience"/> when set (trailing slash removed; arrays and whitespace refused).
/// 2. <see cref="SalesforceClientOptions.UseMyDomainAsAudience"/>: the origin of the login URL.
/// 3. An Experience Cloud site login URL (<c>*.my.site.com</c>, <c>*.force.com</c>, <c>*.site.com</c>, or any login URL
///    with a path prefix): the site URL.
/// 4. <c>test.salesforce.com</c> or a sandbox My Domain (<c>name--sandbox.sandbox.my.salesforce.com</c>, legacy
///    <c>name--sandbox.my.salesforce.com</c>): <c>https://test.salesforce.com</c>.
/// 5. Otherwise <c>https://login.salesforce.com</c> (the token host and <c>aud</c> are checked separately, so a
///    production My Domain works with it).
/// </remarks>
internal static class AudienceResolver
{
    /// <summary>The production audience.</summary>
    public const string Production = "https://login.salesforce.com";

    /// <summary>The sandbox audience.</summary>
    public const string Sandbox = "https://test.salesforce.com";

    /// <summary>Resolves the audience.</summary>
    /// <param name="options">The connection settings.</param>
    /// <returns>The audience and the rule that chose it, in words.</returns>
    /// <exception cref="SalesforceConfigurationException">The explicit audience is malformed.</exception>
    public static (string Audience, string Rule) Resolve(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Audience))
        {
            var problem = GetExplicitAudienceProblem(options.Audience);
            if (problem is not null)
            {
                throw new SalesforceConfigurationException(nameof(SalesforceClientOptions.Audience), problem);
            }

            return (options.Audience.TrimEnd('/'), "the explicit Audience setting");
        }

        var login = options.LoginUrl;
        var host = login.IdnHost.TrimEnd('.').ToLowerInvariant();
        var origin = login.GetLeftPart(UriPartial.Authority);
        if (options.UseMyDomainAsAudience)
        {
            return (origin, $"UseMyDomainAsAudience: the origin of LoginUrl ({origin})");
        }

        var path = login.AbsolutePath.TrimEnd('/');
        if (IsSiteHost(host) || (path.Length > 0 && !IsLoginHost(host)))
        {
            var site = origin + path;
            return (site, $"LoginUrl {site} is an Experience Cloud site URL, so the site URL is the audience");
        }

        if (host == "test.salesforce.com")
        {
            return (Sandbox, "LoginUrl is test.salesforce.com (sandbox)");
        }

        if (IsSandboxMyDomain(host))
        {
            return (Sandbox, $"LoginUrl host {host} is a sandbox My Domain");
        }

        return (Production, host == "login.salesforce.com"
            ? "LoginUrl is login.salesforce.com (production)"
            : $"default for LoginUrl host {host} (production or Developer Edition; set Audience or UseMyDomainAsAudience to change)");
    }

    /// <summary>Why an explicit audience is unusable, or <see langword="null"/> when it is fine.</summary>
    /// <param name="audience">The configured audience.</param>
    /// <returns>A message naming the setting and a right value, or <see langword="null"/>.</returns>
    public static string? GetExplicitAudienceProblem(string audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var trimmed = audience.Trim();
        if (trimmed.StartsWith('[') || trimmed.Contains(',', StringComparison.Ordinal))
        {
            return $"Audience must be one URL, not a list (Salesforce answers 'audience is invalid' to an array). Use for example \"{Production}\".";
        }

        if (trimmed.Length != audience.Length || audience.Any(char.IsWhiteSpace))
        {
            return $"Audience must not contain whitespace. Use for example \"{Production}\".";
        }

        if (!Uri.TryCreate(audience, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"Audience must be an absolute URL such as \"{Production}\", \"{Sandbox}\" or your site URL (a bare host name is refused with 'audience is invalid').";
        }

        return null;
    }

    private static bool IsLoginHost(string host) =>
        host is "login.salesforce.com" or "test.salesforce.com" || host.EndsWith(".my.salesforce.com", StringComparison.Ordinal);

    private static bool IsSiteHost(string host) =>
        host.EndsWith(".my.site.com", StringComparison.Ordinal)
        || host.EndsWith(".site.com", StringComparison.Ordinal)
        || (host.EndsWith(".force.com", StringComparison.Ordinal) && !host.EndsWith(".lightning.force.com", StringComparison.Ordinal));

    private static bool IsSandboxMyDomain(string host)
    {
        if (host.EndsWith(".sandbox.my.salesforce.com", StringComparison.Ordinal))
        {
            return true;
        }

        // Before enhanced domains a sandbox My Domain was name--sandbox.my.salesforce.com (reference §1.1).
        var firstLabel = host.Split('.')[0];
        return firstLabel.Contains("--", StringComparison.Ordinal) && host.EndsWith(".my.salesforce.com", StringComparison.Ordinal);
    }
}
