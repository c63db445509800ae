using StackExchange.Redis;

namespace SalesforceAuth.StackExchangeRedis;

/// <summary>
/// A short fleet-wide lock (<c>SET key id NX EX</c>, released by a compare-and-delete script) so that of all instances
/// missing a token only one asks Salesforce (Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&amp;type=1: one token request per client and user at a time). Each
/// call is one attempt; the waiting (and watching the cache for the holder's token) is the token store's.
/// </summary>
internal sealed class RedisTokenLock : ISalesforceTokenLock
{
    /// <summary>The lock expires by itself after this, so a crashed holder cannot block the fleet for longer.</summary>
    internal static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(30);

    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RedisConnection _connection;

    /// <summary>Creates the lock.</summary>
    /// <param name="connection">The Redis connection.</param>
    public RedisTokenLock(RedisConnection connection) => _connection = connection;

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var id = Guid.NewGuid().ToString("N");
        return await database.StringSetAsync(key, id, LockLifetime, When.NotExists).ConfigureAwait(false)
            ? new Release(database, key, id)
            : null;
    }

    private sealed class Release(IDatabase database, string key, string id) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                // Compare-and-delete: a lock that expired and was taken by another instance is not ours to delete.
                await database.ScriptEvaluateAsync(ReleaseScript, [key], [id]).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Releasing is best effort, and its caller is often a task nobody awaits.
            catch (Exception)
#pragma warning restore CA1031
            {
                // Whatever failed — a Redis error, a timeout (RedisTimeoutException is a TimeoutException, not a
                // RedisException), a connection disposed at shutdown — the lock expires by itself.
            }
        }
    }
}
