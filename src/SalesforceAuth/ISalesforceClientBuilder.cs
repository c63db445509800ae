using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth;

/// <summary>A named Salesforce connection being configured; chain <c>AddHttpClient()</c> to get an authenticated client.</summary>
public interface ISalesforceClientBuilder
{
    /// <summary>The connection name (also the configuration section <c>Salesforce:Clients:&lt;Name&gt;</c>).</summary>
    string Name { get; }

    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }
}
