using SalesforceAuth.Tokens;
using StackExchange.Redis;

namespace SalesforceAuth.StackExchangeRedis;

/// <summary>
/// A short fleet-wide lock (<c>SET key id NX PX</c>, released by a compare-and-delete script) so that of all instances
/// missing a token only one asks Salesforce (reference §12: one token request per client and user at a time).
/// </summary>
internal sealed class RedisTokenLock : ISalesforceTokenLock
{
    /// <summary>The lock expires by itself after this, so a crashed holder cannot block the fleet.</summary>
    internal static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(30);

    /// <summary>How long an instance waits for another's acquisition before it goes ahead alone.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RedisConnection _connection;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the lock.</summary>
    /// <param name="connection">The Redis connection.</param>
    /// <param name="timeProvider">The clock.</param>
    public RedisTokenLock(RedisConnection connection, TimeProvider timeProvider)
    {
        _connection = connection;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var id = Guid.NewGuid().ToString("N");
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            if (await database.StringSetAsync(key, id, LockLifetime, When.NotExists).ConfigureAwait(false))
            {
                return new Release(database, key, id);
            }

            if (_timeProvider.GetElapsedTime(started) >= MaxWait)
            {
                return null;
            }

            await Task.Delay(PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Release(IDatabase database, string key, string id) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await database.ScriptEvaluateAsync(ReleaseScript, [key], [id]).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The lock expires by itself.
            }
        }
    }
}
