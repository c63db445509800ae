namespace SalesforceAuth.Cli;

/// <summary>Turns the command line and <c>SF_*</c> variables into the library's <see cref="SalesforceClientOptions"/>.</summary>
internal static class ClientOptionsFactory
{
    /// <summary>Creates the options; throws <see cref="UsageException"/> for a malformed value.</summary>
    public static SalesforceClientOptions Create(CliInvocation invocation)
    {
        var options = new SalesforceClientOptions();
        Apply(invocation, options);
        return options;
    }

    /// <summary>Sets <paramref name="options"/> from the invocation (also used inside dependency injection).</summary>
    public static void Apply(CliInvocation invocation, SalesforceClientOptions options)
    {
        options.Flow = ParseFlow(invocation.Get(CliOption.Flow));
        options.LoginUrl = ParseLoginUrl(invocation.Get(CliOption.LoginUrl));
        options.Audience = invocation.Get(CliOption.Audience);
        options.ClientId = invocation.Get(CliOption.ClientId);
        options.ClientSecret = invocation.Get(CliOption.ClientSecret);
        options.Username = invocation.Get(CliOption.Username);
        options.PrivateKeyPath = invocation.Get(CliOption.Key);
        options.PrivateKeyPassword = invocation.Get(CliOption.KeyPassword);
        options.CertificatePath = invocation.Get(CliOption.Certificate);
        options.RefreshToken = invocation.Get(CliOption.RefreshToken);
        options.AllowInsecureLoopback = invocation.IsSet(CliOption.AllowInsecureLoopback);
        options.ClockSkewCompensation = ParseOnOff(invocation.Get(CliOption.SkewCompensation));

        // A command-line tool answers once: no background renewal, and introspection would need a secret.
        options.UseIntrospection = false;
        if (invocation.GetInt(CliOption.MaxRetries, 0, 10) is { } retries)
        {
            options.MaxRetries = retries;
        }
    }

    public static SalesforceFlow ParseFlow(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "JWT" or "JWT-BEARER" => SalesforceFlow.JwtBearer,
        "SAML" or "SAML-BEARER" => SalesforceFlow.SamlBearer,
        "CLIENT-CREDENTIALS" => SalesforceFlow.ClientCredentials,
        "REFRESH-TOKEN" => SalesforceFlow.RefreshToken,
        _ => throw new UsageException($"{CliInvocation.Describe(CliOption.Flow)} must be jwt, saml, client-credentials or refresh-token, not '{value}'."),
    };

    public static string FlowName(SalesforceFlow flow) => flow switch
    {
        SalesforceFlow.JwtBearer => "jwt",
        SalesforceFlow.SamlBearer => "saml",
        SalesforceFlow.ClientCredentials => "client-credentials",
        SalesforceFlow.RefreshToken => "refresh-token",
        _ => flow.ToString(),
    };

    /// <summary>Maps a library setting name to the option that sets it, for messages.</summary>
    public static string OptionFor(string? setting) => setting switch
    {
        "PrivateKeyPath" or "PrivateKeyPem" or "SigningKey" or "CertificateThumbprint" => CliInvocation.Describe(CliOption.Key),
        "PrivateKeyPassword" => CliInvocation.Describe(CliOption.KeyPassword),
        "CertificatePath" or "CertificatePem" => CliInvocation.Describe(CliOption.Certificate),
        "ClientId" => CliInvocation.Describe(CliOption.ClientId),
        "ClientSecret" => CliInvocation.Describe(CliOption.ClientSecret),
        "Username" => CliInvocation.Describe(CliOption.Username),
        "Audience" => CliInvocation.Describe(CliOption.Audience),
        "LoginUrl" => CliInvocation.Describe(CliOption.LoginUrl),
        "AllowInsecureLoopback" => CliInvocation.Describe(CliOption.AllowInsecureLoopback),
        "ClockSkewCompensation" => CliInvocation.Describe(CliOption.SkewCompensation),
        "RefreshToken" => CliInvocation.Describe(CliOption.RefreshToken),
        "Flow" => CliInvocation.Describe(CliOption.Flow),
        "MaxRetries" => CliInvocation.Describe(CliOption.MaxRetries),
        null => "the settings",
        _ => setting,
    };

    private static Uri ParseLoginUrl(string? value)
    {
        if (value is null)
        {
            return SalesforceClientOptions.ProductionLoginUrl;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new UsageException($"{CliInvocation.Describe(CliOption.LoginUrl)} must be an absolute URL such as https://login.salesforce.com or https://acme.my.salesforce.com, not '{value}'.");
        }

        return uri;
    }

    private static bool ParseOnOff(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "ON" or "TRUE" or "1" or "YES" => true,
        "OFF" or "FALSE" or "0" or "NO" => false,
        _ => throw new UsageException($"{CliInvocation.Describe(CliOption.SkewCompensation)} must be on or off, not '{value}'."),
    };
}
