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
    private readonly IConfiguration? _configuration;

    /// <summary>Creates the binder.</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="configuration">The application configuration, when registered.</param>
    public BindSalesforceClientOptions(string name, IConfiguration? configuration)
    {
        _name = name;
        _configuration = configuration;
    }

    /// <inheritdoc />
    public void Configure(string? name, SalesforceClientOptions options)
    {
        if (_configuration is not null && string.Equals(name, _name, StringComparison.Ordinal))
        {
            SalesforceClientSettings.Bind(_configuration.GetSection(SectionPrefix + _name), options);
        }
    }

    /// <inheritdoc />
    public void Configure(SalesforceClientOptions options) => Configure(Options.DefaultName, options);
}
