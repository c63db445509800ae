using System.CommandLine;

namespace SalesforceAuth.Cli.CommandLine;

/// <summary>
/// An option that falls back to an <c>SF_*</c> environment variable when it is not on the command line (the command
/// line wins). System.CommandLine has no environment binding, so each command gets its own <see cref="Option"/> from
/// <see cref="Create"/> and <see cref="CommandContext"/> resolves the value from both places.
/// </summary>
/// <param name="Name">The option, for example <c>--login-url</c>.</param>
/// <param name="Variable">The environment variable, for example <c>SF_LOGIN_URL</c>.</param>
/// <param name="Help">One line of help.</param>
/// <param name="HelpName">The value's placeholder in help, or <see langword="null"/> for a switch.</param>
/// <param name="Completions">Values offered by tab completion.</param>
internal sealed record SettingOption(string Name, string Variable, string Help, string? HelpName, params string[] Completions)
{
    public static readonly SettingOption Flow = new("--flow", "SF_FLOW", "jwt | saml | client-credentials | refresh-token (default jwt); JwtBearer, SamlBearer, ClientCredentials, RefreshToken work too, in any case", "flow", "jwt", "saml", "client-credentials", "refresh-token");
    public static readonly SettingOption LoginUrl = new("--login-url", "SF_LOGIN_URL", "login host or My Domain (default https://login.salesforce.com)", "url", "https://login.salesforce.com", "https://test.salesforce.com");
    public static readonly SettingOption Audience = new("--audience", "SF_AUDIENCE", "assertion audience (default derived from the login URL)", "url");
    public static readonly SettingOption ClientId = new("--client-id", "SF_CLIENT_ID", "the connected app's consumer key", "key");
    public static readonly SettingOption ClientSecret = new("--client-secret", "SF_CLIENT_SECRET", "the consumer secret (prefer the variable: a value on the command line shows in the process list)", "secret");
    public static readonly SettingOption Username = new("--username", "SF_USERNAME", "the Salesforce username", "user");
    public static readonly SettingOption Key = new("--key", "SF_PRIVATE_KEY", "PEM (PKCS#1, PKCS#8, encrypted PKCS#8) or PFX private key file", "path");
    public static readonly SettingOption KeyPassword = new("--key-password", "SF_PRIVATE_KEY_PASSWORD", "password of an encrypted key or PFX (prefer the variable)", "password");
    public static readonly SettingOption Certificate = new("--certificate", "SF_CERTIFICATE", "PEM certificate uploaded to the app", "path");
    public static readonly SettingOption RefreshToken = new("--refresh-token", "SF_REFRESH_TOKEN", "a refresh token (refresh-token flow; prefer --refresh-token-file)", "token");
    public static readonly SettingOption RefreshTokenFile = new("--refresh-token-file", "SF_REFRESH_TOKEN_FILE", "a file holding the refresh token (refresh-token flow); a rotated token replaces it, atomically and owner-only, before anything is printed", "path");
    public static readonly SettingOption AllowInsecureLoopback = new("--allow-insecure-loopback", "SF_ALLOW_INSECURE_LOOPBACK", "permit http:// on 127.0.0.0/8 and ::1 (emulators)", null);
    public static readonly SettingOption SkewCompensation = new("--skew-compensation", "SF_SKEW_COMPENSATION", "on | off (default on): correct assertion times for a skewed clock", "on|off", "on", "off");
    public static readonly SettingOption MaxRetries = new("--max-retries", "SF_MAX_RETRIES", "retries of transient token endpoint failures, 0-10 (default 3)", "n");

    /// <summary>The settings of a connection to Salesforce: every command that talks to it takes all of them.</summary>
    public static readonly IReadOnlyList<SettingOption> Connection =
    [
        Flow, LoginUrl, Audience, ClientId, ClientSecret, Username, Key, KeyPassword, Certificate, RefreshToken,
        RefreshTokenFile, AllowInsecureLoopback, SkewCompensation, MaxRetries,
    ];

    /// <summary>Whether the option is a switch (no value; the variable is on when 1, true, yes or on).</summary>
    public bool IsSwitch => HelpName is null;

    /// <summary>A new option for one command; help shows the variable it falls back to.</summary>
    public Option Create()
    {
        var description = $"{Help} [env: {Variable}]";
        if (IsSwitch)
        {
            return new Option<bool>(Name) { Description = description };
        }

        var option = RequireValue(new Option<string>(Name) { Description = description, HelpName = HelpName });
        if (Completions.Length > 0)
        {
            option.CompletionSources.Add(Completions);
        }

        return option;
    }

    /// <summary>
    /// Rejects an option name as the value ("--client-id --json"): System.CommandLine would take "--json" as the
    /// client id, and the mistake would surface later as a confusing configuration error.
    /// </summary>
    public static Option<string> RequireValue(Option<string> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: { Length: > 2 } value }] && value.StartsWith("--", StringComparison.Ordinal))
            {
                result.AddError($"The option {option.Name} needs a value, not the option '{value}'.");
            }
        });
        return option;
    }

    /// <summary>"--x (or SF_X)" for messages.</summary>
    public string Describe() => $"{Name} (or {Variable})";
}
