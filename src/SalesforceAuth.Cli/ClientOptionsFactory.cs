using System.Text.RegularExpressions;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Credentials;

namespace SalesforceAuth.Cli;

/// <summary>Turns the command line and <c>SF_*</c> variables into the library's <see cref="SalesforceClientOptions"/>.</summary>
internal static partial class ClientOptionsFactory
{
    /// <summary>Creates the options; throws <see cref="UsageException"/> for a malformed value.</summary>
    public static SalesforceClientOptions Create(CommandContext context)
    {
        var options = new SalesforceClientOptions();
        Apply(context, options);
        return options;
    }

    /// <summary>Sets <paramref name="options"/> from the command line and environment (also used inside dependency injection).</summary>
    public static void Apply(CommandContext context, SalesforceClientOptions options)
    {
        options.Flow = ParseFlow(context.Get(SettingOption.Flow));
        options.LoginUrl = ParseLoginUrl(context.Get(SettingOption.LoginUrl));
        options.Audience = context.Get(SettingOption.Audience);
        options.ClientId = context.Get(SettingOption.ClientId);
        options.ClientSecret = context.Get(SettingOption.ClientSecret);
        options.Username = context.Get(SettingOption.Username);
        options.PrivateKeyPath = context.Get(SettingOption.Key);
        options.PrivateKeyPassword = context.Get(SettingOption.KeyPassword);
        options.CertificatePath = context.Get(SettingOption.Certificate);
        options.RefreshToken = context.Get(SettingOption.RefreshToken);
        options.AllowInsecureLoopback = context.IsSet(SettingOption.AllowInsecureLoopback);
        options.ClockSkewCompensation = ParseOnOff(context.Get(SettingOption.SkewCompensation));

        // A command-line tool answers once: no background renewal, and introspection would need a secret.
        options.UseIntrospection = false;
        if (context.GetInt(SettingOption.MaxRetries, 0, 10) is { } retries)
        {
            options.MaxRetries = retries;
        }
    }

    /// <summary>
    /// The refresh token file of the refresh-token flow (<c>--refresh-token-file</c>), or <see langword="null"/> when
    /// none is given or the flow is another one.
    /// </summary>
    public static RefreshTokenFile? CreateRefreshTokenStore(CommandContext context, SalesforceClientOptions options)
    {
        if (options.Flow != SalesforceFlow.RefreshToken || context.Get(SettingOption.RefreshTokenFile) is not { } path)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(options.RefreshToken))
        {
            throw new UsageException($"Give the refresh token either in {SettingOption.RefreshToken.Describe()} or in {SettingOption.RefreshTokenFile.Describe()}, not both.");
        }

        return RefreshTokenFile.Open(path, SettingOption.RefreshTokenFile.Describe());
    }

    // The library's parser, so --flow takes every spelling configuration takes (jwt, jwt-bearer, JwtBearer, ...).
    public static SalesforceFlow ParseFlow(string? value) =>
        string.IsNullOrEmpty(value) ? SalesforceFlow.JwtBearer
        : SalesforceFlowNames.TryParse(value, out var flow) && flow != SalesforceFlow.TokenExchange ? flow
        : throw new UsageException($"{SettingOption.Flow.Describe()} must be jwt, saml, client-credentials or refresh-token (or JwtBearer, SamlBearer, ClientCredentials, RefreshToken; any case), not '{value}'.");

    public static string FlowName(SalesforceFlow flow) => SalesforceFlowNames.GetShortName(flow);

    /// <summary>Maps a library setting name to the option that sets it, for messages.</summary>
    public static string OptionFor(string? setting) => setting switch
    {
        "PrivateKeyPath" or "PrivateKeyPem" or "SigningKey" or "CertificateThumbprint" => SettingOption.Key.Describe(),
        "PrivateKeyPassword" => SettingOption.KeyPassword.Describe(),
        "CertificatePath" or "CertificatePem" => SettingOption.Certificate.Describe(),
        "ClientId" => SettingOption.ClientId.Describe(),
        "ClientSecret" => SettingOption.ClientSecret.Describe(),
        "Username" => SettingOption.Username.Describe(),
        "Audience" => SettingOption.Audience.Describe(),
        "LoginUrl" => SettingOption.LoginUrl.Describe(),
        "AllowInsecureLoopback" => SettingOption.AllowInsecureLoopback.Describe(),
        "ClockSkewCompensation" => SettingOption.SkewCompensation.Describe(),
        "RefreshToken" => $"{SettingOption.RefreshToken.Describe()} or {SettingOption.RefreshTokenFile.Describe()}",
        "Flow" => SettingOption.Flow.Describe(),
        "MaxRetries" => SettingOption.MaxRetries.Describe(),
        null => "the settings",
        _ => setting,
    };

    /// <summary>
    /// The library's diagnosis in the tool's words: a remedy such as "Set SalesforceClientOptions.LoginUrl to ..." becomes
    /// "Set --login-url (or SF_LOGIN_URL) to ...", and a configuration error about <paramref name="setting"/>
    /// ("PrivateKeyPath '/x' cannot be read") names the option ("--key (or SF_PRIVATE_KEY) '/x' cannot be read").
    /// Settings the tool has no option for keep their library name.
    /// </summary>
    public static string ToOptionNames(string text, string? setting = null)
    {
        var translated = LibrarySetting().Replace(text, match => match.Groups["name"].Value switch
        {
            "UseMyDomainAsAudience" => $"{SettingOption.Audience.Describe()} set to the My Domain URL",
            var name when OptionFor(name) is var option && option != name => option,
            _ => match.Value,
        });
        return setting is not null && OptionFor(setting) is var named && named != setting
            ? Regex.Replace(translated, $@"(?<![\w.-]){Regex.Escape(setting)}\b", named.Replace("$", "$$", StringComparison.Ordinal), RegexOptions.CultureInvariant)
            : translated;
    }

    /// <summary>The login URL setting, defaulting to production; a malformed value is a usage error naming the setting.</summary>
    public static Uri ParseLoginUrl(string? value)
    {
        if (value is null)
        {
            return SalesforceClientOptions.ProductionLoginUrl;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new UsageException($"{SettingOption.LoginUrl.Describe()} must be an absolute URL such as https://login.salesforce.com or https://acme.my.salesforce.com, not '{value}'.");
        }

        return uri;
    }

    private static bool ParseOnOff(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "ON" or "TRUE" or "1" or "YES" => true,
        "OFF" or "FALSE" or "0" or "NO" => false,
        _ => throw new UsageException($"{SettingOption.SkewCompensation.Describe()} must be on or off, not '{value}'."),
    };

    [GeneratedRegex(@"\bSalesforceClientOptions\.(?<name>[A-Za-z]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex LibrarySetting();
}
