namespace SalesforceAuth.Cli;

/// <summary>One option of the command line, with the environment variable it falls back to.</summary>
/// <param name="Name">The option, for example <c>--login-url</c>.</param>
/// <param name="Variable">The environment variable, or <see langword="null"/>.</param>
/// <param name="TakesValue">Whether the option has a value (otherwise it is a switch).</param>
/// <param name="Help">One line of help.</param>
/// <param name="IsSecret">Whether the value is a secret (never echoed).</param>
internal sealed record CliOption(string Name, string? Variable, bool TakesValue, string Help, bool IsSecret = false)
{
    public static readonly CliOption Flow = new("--flow", "SF_FLOW", true, "jwt | saml | client-credentials | refresh-token (default jwt)");
    public static readonly CliOption LoginUrl = new("--login-url", "SF_LOGIN_URL", true, "login host or My Domain (default https://login.salesforce.com)");
    public static readonly CliOption Audience = new("--audience", "SF_AUDIENCE", true, "assertion audience (default derived from the login URL)");
    public static readonly CliOption ClientId = new("--client-id", "SF_CLIENT_ID", true, "the connected app's consumer key");
    public static readonly CliOption ClientSecret = new("--client-secret", "SF_CLIENT_SECRET", true, "the consumer secret", IsSecret: true);
    public static readonly CliOption Username = new("--username", "SF_USERNAME", true, "the Salesforce username");
    public static readonly CliOption Key = new("--key", "SF_PRIVATE_KEY", true, "PEM (PKCS#1, PKCS#8, encrypted PKCS#8) or PFX private key file");
    public static readonly CliOption KeyPassword = new("--key-password", "SF_PRIVATE_KEY_PASSWORD", true, "password of an encrypted key or PFX", IsSecret: true);
    public static readonly CliOption Certificate = new("--certificate", "SF_CERTIFICATE", true, "PEM certificate uploaded to the app");
    public static readonly CliOption RefreshToken = new("--refresh-token", "SF_REFRESH_TOKEN", true, "a refresh token (refresh-token flow)", IsSecret: true);
    public static readonly CliOption AllowInsecureLoopback = new("--allow-insecure-loopback", "SF_ALLOW_INSECURE_LOOPBACK", false, "permit http:// on 127.0.0.0/8 and ::1 (emulators)");
    public static readonly CliOption SkewCompensation = new("--skew-compensation", "SF_SKEW_COMPENSATION", true, "on | off (default on): correct assertion times for a skewed clock");
    public static readonly CliOption MaxRetries = new("--max-retries", "SF_MAX_RETRIES", true, "retries of transient token endpoint failures, 0-10 (default 3)");
    public static readonly CliOption Json = new("--json", null, false, "machine-readable output on stdout");
    public static readonly CliOption ShowToken = new("--show-token", null, false, "token: print the access token instead of redacting it");
    public static readonly CliOption Method = new("--method", null, true, "call: the HTTP method (default GET)");
    public static readonly CliOption Data = new("--data", null, true, "call: a JSON request body");
    public static readonly CliOption HelpSwitch = new("--help", null, false, "show help");

    /// <summary>All options, in help order.</summary>
    public static readonly IReadOnlyList<CliOption> All =
    [
        Flow, LoginUrl, Audience, ClientId, ClientSecret, Username, Key, KeyPassword, Certificate, RefreshToken,
        AllowInsecureLoopback, SkewCompensation, MaxRetries, Json, ShowToken, Method, Data, HelpSwitch,
    ];
}
