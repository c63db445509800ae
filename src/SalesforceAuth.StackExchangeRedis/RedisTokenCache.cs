using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace SalesforceAuth.StackExchangeRedis;

/// <summary>
/// Microsoft's Redis <c>IDistributedCache</c> on the package's own connection, plus the atomic compare-and-delete
/// SalesforceAuth uses for a rejected token: between a read and a plain delete another instance may store its new
/// token, which the delete would then remove.
/// </summary>
internal sealed class RedisTokenCache : RedisCache, ISalesforceDistributedCache
{
    // Microsoft.Extensions.Caching.StackExchangeRedis keeps each entry as a hash whose "data" field is the value.
    private const string RemoveScript = "if redis.call('hget', KEYS[1], 'data') == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RedisConnection _connection;

    /// <summary>Creates the cache.</summary>
    /// <param name="connection">The Redis connection.</param>
    public RedisTokenCache(RedisConnection connection)
        : base(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = connection.GetAsync, InstanceName = string.Empty }))
    {
        _connection = connection;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var removed = await database.ScriptEvaluateAsync(RemoveScript, [key], [expected]).ConfigureAwait(false);
        return (long)removed == 1;
    }
}
