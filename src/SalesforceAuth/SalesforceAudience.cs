namespace SalesforceAuth;

/// <summary>
/// The assertion audience (JWT <c>aud</c>, SAML <c>Audience</c>) a connection sends, and the rule that chose it, in
/// words, so an <c>audience is invalid</c> refusal can be explained. Rules: Salesforce Help, "OAuth 2.0 JWT Bearer Flow
/// for Server-to-Server Integration" (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).
/// </summary>
/// <remarks>
/// First match wins:
/// 1. <see cref="SalesforceClientOptions.Audience"/> when set (trailing slash removed; lists, whitespace and non-URLs refused).
/// 2. <see cref="SalesforceClientOptions.UseMyDomainAsAudience"/>: the origin of the login URL.
/// 3. An Experience Cloud site login URL: the site URL (origin and path prefix).
/// 4. <c>test.salesforce.com</c> or a sandbox My Domain (enhanced or legacy): <see cref="Sandbox"/>.
/// 5. Otherwise <see cref="Production"/>: the token host and <c>aud</c> are checked separately, so a production My
///    Domain works with it (observed: restforce pull request 886, https://github.com/restforce/restforce/pull/886).
/// </remarks>
public sealed class SalesforceAudience
{
    /// <summary>The production audience, <c>https://login.salesforce.com</c>.</summary>
    public const string Production = "https://login.salesforce.com";

    /// <summary>The sandbox audience, <c>https://test.salesforce.com</c>.</summary>
    public const string Sandbox = "https://test.salesforce.com";

    internal SalesforceAudience(string value, string rule)
    {
        Value = value;
        Rule = rule;
    }

    /// <summary>The audience to send, without a trailing slash.</summary>
    public string Value { get; }

    /// <summary>The rule that chose <see cref="Value"/>, in words (for example <c>LoginUrl is test.salesforce.com (sandbox)</c>).</summary>
    public string Rule { get; }

    /// <summary>Resolves the audience a connection sends.</summary>
    /// <param name="options">The connection settings (<see cref="SalesforceClientOptions.LoginUrl"/>, <see cref="SalesforceClientOptions.Audience"/>, <see cref="SalesforceClientOptions.UseMyDomainAsAudience"/>).</param>
    /// <returns>The audience and the rule that chose it.</returns>
    /// <exception cref="SalesforceConfigurationException">The explicit audience is malformed, or the login URL is not absolute.</exception>
    public static SalesforceAudience Resolve(SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LoginUrl is not { IsAbsoluteUri: true } loginUrl)
        {
            throw new SalesforceConfigurationException(nameof(SalesforceClientOptions.LoginUrl), "LoginUrl must be an absolute https URL such as \"https://login.salesforce.com\".");
        }

        return SalesforceLoginHost.Parse(loginUrl).ResolveAudience(options.Audience, options.UseMyDomainAsAudience);
    }

    /// <summary>Why an explicit audience cannot be sent, or <see langword="null"/> when it can.</summary>
    /// <param name="audience">The configured audience.</param>
    /// <returns>A message naming a right value, or <see langword="null"/>.</returns>
    public static string? GetProblem(string audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var trimmed = audience.Trim();
        if (trimmed.StartsWith('[') || trimmed.Contains(',', StringComparison.Ordinal))
        {
            return $"Audience must be one URL, not a list (Salesforce answers 'audience is invalid' to an array). Use for example \"{Production}\".";
        }

        if (audience.Any(char.IsWhiteSpace))
        {
            return $"Audience must not contain whitespace. Use for example \"{Production}\".";
        }

        if (!Uri.TryCreate(audience, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"Audience must be an absolute URL such as \"{Production}\", \"{Sandbox}\" or your site URL (a bare host name is refused with 'audience is invalid').";
        }

        return null;
    }

    /// <summary>Returns <see cref="Value"/>.</summary>
    /// <returns>The audience.</returns>
    public override string ToString() => Value;
}
