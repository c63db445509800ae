using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Doctor;

/// <summary>
/// The offline checks of a setup (consumer key, username, audience) and the instance URL check. Every rule comes from
/// the library (<see cref="SalesforceLoginHost"/>, <see cref="SalesforceAudience"/>, <see cref="SalesforceUsername"/>,
/// <see cref="SalesforceConsumerKey"/>), so the doctor agrees with what the token client sends and the error mapper explains.
/// </summary>
internal static class SetupChecks
{
    public static DoctorCheck CheckConsumerKey(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return DoctorCheck.Fail("consumer_key", "No consumer key given.", $"Set {SettingOption.ClientId.Describe()} to the connected app's Consumer Key (Setup → App Manager → <your app> → View → Manage Consumer Details).");
        }

        return SalesforceConsumerKey.IsWellFormed(clientId)
            ? DoctorCheck.Pass("consumer_key", $"Looks like a consumer key ({clientId.Length} characters, 3MVG...).")
            : DoctorCheck.Warn("consumer_key", $"'{clientId}' does not look like a consumer key (3MVG..., about 85 characters).", "Copy the Consumer Key, not the app name, Id or the secret, from Setup → App Manager → <your app> → View → Manage Consumer Details.");
    }

    public static DoctorCheck CheckUsername(SalesforceClientOptions options)
    {
        var username = options.Username;
        if (string.IsNullOrEmpty(username))
        {
            return DoctorCheck.Fail("username", "No username given.", $"Set {SettingOption.Username.Describe()} to the Salesforce username to act as (the login name, in email form).");
        }

        if (!SalesforceUsername.IsWellFormed(username))
        {
            return DoctorCheck.Fail("username", $"'{username}' is not in email form; Salesforce usernames always are.", "Use the exact username shown on the user's detail page (Setup → Users), including any sandbox suffix.");
        }

        var suffix = SalesforceUsername.GetSandboxSuffix(username);
        var login = SalesforceLoginHost.Parse(options.LoginUrl);
        var audience = AudienceSent(options, login);
        if (suffix is not null && login.ReachesProduction(audience))
        {
            return DoctorCheck.Warn("username", $"'{username}' ends in '.{suffix}', a sandbox suffix, but the login is production ({login.Host}, audience {audience}).", $"Sandbox users log in at {SalesforceAudience.Sandbox} or the sandbox's My Domain: set {SettingOption.LoginUrl.Describe()} (and the audience) accordingly.");
        }

        return DoctorCheck.Pass("username", suffix is null ? $"'{username}' is in email form." : $"'{username}' is a sandbox username (suffix '.{suffix}').");
    }

    public static DoctorCheck CheckAudience(SalesforceClientOptions options)
    {
        var login = SalesforceLoginHost.Parse(options.LoginUrl);
        var expected = login.DefaultAudience;
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            var chosen = login.ResolveAudience(null, options.UseMyDomainAsAudience);
            return DoctorCheck.Pass("audience", $"Derived from the login URL: {chosen.Value} ({chosen.Rule}).");
        }

        if (SalesforceAudience.GetProblem(options.Audience) is { } problem)
        {
            return DoctorCheck.Fail("audience", $"'{options.Audience}' cannot be sent; Salesforce answers 'audience is invalid'. {problem}", $"Use one URL such as {expected.Value}, never an array or a bare host name.");
        }

        var normalized = options.Audience.TrimEnd('/');
        var myDomain = options.LoginUrl.GetLeftPart(UriPartial.Authority);
        if (string.Equals(normalized, expected.Value, StringComparison.OrdinalIgnoreCase) || string.Equals(normalized, myDomain, StringComparison.OrdinalIgnoreCase))
        {
            return DoctorCheck.Pass("audience", $"{normalized} fits the login URL {options.LoginUrl}.");
        }

        return DoctorCheck.Fail("audience", $"{normalized} does not fit the login URL {options.LoginUrl} (expected {expected.Value}: {expected.Rule}).", $"Remove {SettingOption.Audience.Describe()} to use the derived audience, or set it to {expected.Value}: production uses {SalesforceAudience.Production}, sandboxes {SalesforceAudience.Sandbox}.");
    }

    // The audience the library would send; a malformed explicit one is reported by the audience check, so the
    // username check falls back to the derived one.
    private static string AudienceSent(SalesforceClientOptions options, SalesforceLoginHost login) =>
        !string.IsNullOrWhiteSpace(options.Audience) && SalesforceAudience.GetProblem(options.Audience) is null
            ? options.Audience.TrimEnd('/')
            : login.ResolveAudience(null, options.UseMyDomainAsAudience).Value;

    public static DoctorCheck CheckInstanceUrl(SalesforceClientOptions options, SalesforceToken token)
    {
        var instance = token.InstanceUrl;
        if (!SalesforceLoginHost.Parse(options.LoginUrl).IsTrusted(instance, options.TrustedDomains, options.AllowInsecureLoopback, out var reason))
        {
            return DoctorCheck.Fail("instance_url", $"{instance} is refused: {reason}.", "Salesforce instances are HTTPS hosts under Salesforce's domains; check the login URL points at Salesforce, or add your own domain to TrustedDomains.", ExitCodes.Refused);
        }

        var where = string.Equals(instance.Authority, options.LoginUrl.Authority, StringComparison.OrdinalIgnoreCase)
            ? "the login host itself"
            : "the org's own host; REST calls go there, not to the login host";
        return DoctorCheck.Pass("instance_url", $"{instance} ({where}).");
    }
}
