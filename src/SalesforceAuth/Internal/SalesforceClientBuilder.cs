using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth.Internal;

/// <summary>The builder returned by <c>AddSalesforceClient</c>.</summary>
/// <param name="Name">The connection name.</param>
/// <param name="Services">The services.</param>
internal sealed record SalesforceClientBuilder(string Name, IServiceCollection Services) : ISalesforceClientBuilder;
