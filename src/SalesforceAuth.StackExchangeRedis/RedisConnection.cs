using StackExchange.Redis;

namespace SalesforceAuth.StackExchangeRedis;

/// <summary>The one Redis connection shared by the token cache and the lock, opened on first use.</summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;

    /// <summary>Creates the holder.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    public RedisConnection(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Start without Redis and reconnect by ourselves; fail commands at once while disconnected so an outage costs
        // no waiting (the in-process cache carries on).
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        _connection = new(async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false));
    }

    /// <summary>The connection.</summary>
    /// <returns>The multiplexer.</returns>
    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }
}
