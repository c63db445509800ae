using Microsoft.Extensions.Options;

namespace SalesforceAuth.Internal;

/// <summary>
/// Validates the settings the cache and handler depend on. The full cross-field validation of a connection is
/// <c>SalesforceClientOptionsValidator</c>; both run at startup for every registered connection.
/// </summary>
internal sealed class HandlerOptionsValidator : IValidateOptions<SalesforceClientOptions>
{
    private readonly SalesforceClientRegistry _registry;

    /// <summary>Creates the validator.</summary>
    /// <param name="registry">The registered connection names (other names are not ours to judge).</param>
    public HandlerOptionsValidator(IOptions<SalesforceClientRegistry> registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry.Value;
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is null || !_registry.Names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var prefix = BindSalesforceClientOptions.SectionPrefix + name + ":";
        List<string>? failures = null;
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            (failures ??= []).Add($"{prefix}ClientId is missing: set it to the consumer key of the connected app or External Client App (it starts with 3MVG).");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromHours(24))
        {
            (failures ??= []).Add($"{prefix}SessionLifetime must be between 00:01:00 and 24:00:00 (a little under the session timeout of the app, profile or org; default 01:50:00), not {options.SessionLifetime}.");
        }

        if (options.LoginUrl is not { IsAbsoluteUri: true } login
            || !(login.Scheme == Uri.UriSchemeHttps || (login.Scheme == Uri.UriSchemeHttp && login.IsLoopback && options.AllowInsecureLoopback)))
        {
            (failures ??= []).Add($"{prefix}LoginUrl must be an absolute HTTPS URL such as https://login.salesforce.com, https://test.salesforce.com or https://acme.my.salesforce.com, not '{options.LoginUrl}'.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
