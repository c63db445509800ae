using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SalesforceAuth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Salesforce connections resolved at run time: many orgs, onboarded while the service runs.</summary>
public static class SalesforceConnectionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the resolver of connections known only at run time (one per customer org, say), next to the
    /// connections registered with <c>AddSalesforceClient(name)</c>, which keep working unchanged and are found first.
    /// A connection is resolved at its first use, validated like a configured one, held while it is used (bounded by
    /// <see cref="SalesforceConnectionsOptions"/>, bound from <c>Salesforce:Connections</c> and validated at startup),
    /// and managed through <see cref="ISalesforceConnections"/>. Send requests with
    /// <c>services.AddHttpClient("salesforce").AddSalesforceTokenHandler()</c> and
    /// <c>request.SetSalesforceConnection(tenantId)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="resolver">Creates the resolver (once, as a singleton).</param>
    /// <param name="configure">Bounds in code (run after configuration binding), or <see langword="null"/>.</param>
    /// <returns>The same services.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddSalesforceConnections(sp => new TenantDirectory(sp.GetRequiredService&lt;TenantDb&gt;()));
    /// builder.Services.AddHttpClient("salesforce").AddSalesforceTokenHandler();
    ///
    /// using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits").SetSalesforceConnection(tenantId);
    /// using var response = await client.SendAsync(request, cancellationToken);
    /// </code>
    /// </example>
    public static IServiceCollection AddSalesforceConnections(this IServiceCollection services, Func<IServiceProvider, ISalesforceConnectionResolver> resolver, Action<SalesforceConnectionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(resolver);
        SalesforceServiceCollectionExtensions.AddCore(services);
        services.RemoveAll<ISalesforceConnectionResolver>();
        services.AddSingleton(resolver);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>
    /// Registers a delegate that resolves connections known only at run time; see
    /// <see cref="AddSalesforceConnections(IServiceCollection, Func{IServiceProvider, ISalesforceConnectionResolver}, Action{SalesforceConnectionsOptions})"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="resolve">Returns a connection's settings, or <see langword="null"/> for an unknown id.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddSalesforceConnections(this IServiceCollection services, Func<string, CancellationToken, ValueTask<SalesforceConnectionSettings?>> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return services.AddSalesforceConnections(_ => new DelegateConnectionResolver(resolve));
    }

    /// <summary>The bounds' binding and validation, registered once with the core services.</summary>
    /// <param name="services">The services.</param>
    internal static void AddConnectionsOptions(IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<SalesforceConnectionsOptions>>(sp => new ConfigureOptions<SalesforceConnectionsOptions>(
            o => sp.GetService<IConfiguration>()?.GetSection("Salesforce:Connections").Bind(o)));
        services.AddOptions<SalesforceConnectionsOptions>()
            .Validate(
                o => o.IdleTimeout >= TimeSpan.FromMinutes(1) && o.IdleTimeout <= TimeSpan.FromDays(1),
                "Salesforce:Connections:IdleTimeout must be between 00:01:00 and 1.00:00:00 (for example 00:30:00).")
            .Validate(
                o => o.MaxCachedTokens >= 1,
                "Salesforce:Connections:MaxCachedTokens must be at least 1 (for example 100000).")
            .ValidateOnStart();
    }

    private sealed class DelegateConnectionResolver(Func<string, CancellationToken, ValueTask<SalesforceConnectionSettings?>> resolve) : ISalesforceConnectionResolver
    {
        public ValueTask<SalesforceConnectionSettings?> ResolveAsync(string connectionId, CancellationToken cancellationToken) =>
            resolve(connectionId, cancellationToken);
    }
}
