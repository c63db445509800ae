using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SalesforceAuth.Internal;

/// <summary>
/// Binds a named connection from <c>Salesforce:Clients:&lt;name&gt;</c> when the application registered an
/// <see cref="IConfiguration"/> (appsettings, user secrets, environment variables); code configuration runs after it.
/// </summary>
internal sealed class BindSalesforceClientOptions : IConfigureNamedOptions<SalesforceClientOptions>
{
    /// <summary>The configuration section of all connections.</summary>
    public const string SectionPrefix = "Salesforce:Clients:";

    private readonly string _name;
    private readonly IConfigurationSection? _section;

    /// <summary>Creates the binder.</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="section">The connection's section (by default <c>Salesforce:Clients:{name}</c>), or <see langword="null"/> without configuration.</param>
    public BindSalesforceClientOptions(string name, IConfigurationSection? section)
    {
        _name = name;
        _section = section;
    }

    /// <inheritdoc />
    public void Configure(string? name, SalesforceClientOptions options)
    {
        if (_section is { } section && string.Equals(name, _name, StringComparison.Ordinal))
        {
            SalesforceClientSettings.Bind(section, options);
        }
    }

    /// <inheritdoc />
    public void Configure(SalesforceClientOptions options) => Configure(Options.DefaultName, options);
}
