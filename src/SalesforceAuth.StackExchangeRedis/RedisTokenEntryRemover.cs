using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.StackExchangeRedis;

/// <summary>
/// Deletes a token entry only if it still holds the value that was read, in one server-side script: between a read
/// and a plain delete another instance may store its new token, which the delete would then remove.
/// </summary>
internal sealed class RedisTokenEntryRemover : ISalesforceTokenEntryRemover
{
    // Microsoft.Extensions.Caching.StackExchangeRedis keeps each entry as a hash whose "data" field is the value.
    private const string RemoveScript = "if redis.call('hget', KEYS[1], 'data') == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly RedisConnection _connection;

    /// <summary>Creates the remover.</summary>
    /// <param name="connection">The Redis connection.</param>
    public RedisTokenEntryRemover(RedisConnection connection) => _connection = connection;

    /// <inheritdoc />
    public async ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        var removed = await database.ScriptEvaluateAsync(RemoveScript, [key], [expected]).ConfigureAwait(false);
        return (long)removed == 1;
    }
}
