using Microsoft.Extensions.DependencyInjection.Extensions;
using SalesforceAuth;
using SalesforceAuth.StackExchangeRedis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Redis as the shared token cache of SalesforceAuth.</summary>
public static class SalesforceRedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares Salesforce tokens between the instances of a service through Redis: entries encrypted with AES-256-GCM
    /// under <see cref="SalesforceDistributedCacheOptions.EncryptionKey"/>, and a fleet-wide lock so a cold fleet makes
    /// one token request. Uses its own Redis connection and does not register an application-wide
    /// <c>IDistributedCache</c>. A Redis outage falls back to the in-process cache and never fails a call.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="redisConfiguration">The StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">Settings (at least the encryption key), run after binding <c>Salesforce:DistributedCache</c>.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddSalesforceRedis(this IServiceCollection services, string redisConfiguration, Action<SalesforceDistributedCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(redisConfiguration);
        services.TryAddSingleton(new RedisConnection(redisConfiguration));

        // Only SalesforceAuth's public seams: its own cache (not the application's IDistributedCache) and the lock.
        services.AddSalesforceDistributedCache(configure)
            .AddSalesforceDistributedCacheStore(sp => new RedisTokenCache(sp.GetRequiredService<RedisConnection>()))
            .AddSalesforceTokenLock(sp => new RedisTokenLock(sp.GetRequiredService<RedisConnection>()));
        return services;
    }
}
