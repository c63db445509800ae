using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth;
using SalesforceAuth.StackExchangeRedis;
using SalesforceAuth.Tokens.Caching;

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
        services.AddSalesforceDistributedCache(configure);
        services.TryAddSingleton(new RedisConnection(redisConfiguration));
        services.TryAddSingleton<ISalesforceTokenLock>(sp => new RedisTokenLock(sp.GetRequiredService<RedisConnection>()));
        services.Replace(ServiceDescriptor.Singleton<ITokenSecondLevel>(sp =>
        {
            var connection = sp.GetRequiredService<RedisConnection>();
            var options = sp.GetRequiredService<IOptions<SalesforceDistributedCacheOptions>>();
            var cache = new RedisCache(Options.Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = connection.GetAsync,
                InstanceName = string.Empty,
            }));
            return new DistributedTokenStore(
                cache,
                options,
                sp.GetRequiredService<TimeProvider>(),
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<DistributedTokenStore>(),
                sp.GetRequiredService<ISalesforceTokenLock>(),
                new RedisTokenEntryRemover(connection));
        }));
        return services;
    }
}
