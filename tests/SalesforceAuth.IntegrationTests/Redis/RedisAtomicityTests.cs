using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth.StackExchangeRedis;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;
using StackExchange.Redis;

namespace SalesforceAuth.IntegrationTests.Redis;

/// <summary>The Redis operations that must hold when instances interleave or Redis stalls, against a real redis-server.</summary>
public sealed class RedisAtomicityTests
{
    private static readonly TokenCacheKey Key = TokenCacheKey.Create(
        "crm",
        new SalesforceClientOptions { ClientId = "3MVG9redis", Username = "integration@acme.com", LoginUrl = new Uri("https://acme.my.salesforce.com") },
        null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RemoveAsync_AnotherInstanceStoresItsTokenBetweenTheReadAndTheDelete_ThatTokenSurvives()
    {
        using var redis = await RedisServer.StartAsync();
        using var connection = new RedisConnection(redis.Configuration);
        var encryptionKey = NewKey();
        var interleaving = new InterleavingCache(Cache(connection));
        var instance = Store(interleaving, encryptionKey);
        var otherInstance = Store(Cache(connection), encryptionKey);
        var rejected = Token("00D000000000001!rejected");
        var renewed = Token("00D000000000001!renewed");
        await instance.SetAsync(Key, rejected, DateTimeOffset.UtcNow.AddHours(1), Ct);

        // This instance reads the entry and finds the rejected token; before it deletes, the other instance stores the
        // token it just obtained.
        interleaving.AfterNextRead = () => otherInstance.SetAsync(Key, renewed, DateTimeOffset.UtcNow.AddHours(1), Ct).AsTask();
        await instance.RemoveAsync(Key, rejected, Ct);

        Assert.Equal(renewed.AccessToken, (await otherInstance.TryGetAsync(Key, Ct))?.AccessToken);

        // Still the rejected token: removed.
        await otherInstance.RemoveAsync(Key, renewed, Ct);
        Assert.Null(await otherInstance.TryGetAsync(Key, Ct));
    }

    [Fact]
    public async Task LockRelease_RedisStalls_TheTimeoutDoesNotEscape()
    {
        using var redis = await RedisServer.StartAsync();
        using var connection = new RedisConnection($"127.0.0.1:{redis.Port},connectTimeout=2000,syncTimeout=300,asyncTimeout=300");
        var tokenLock = new RedisTokenLock(connection);
        var held = await tokenLock.TryAcquireAsync("SalesforceAuth:release-test:lock", Ct);
        Assert.NotNull(held);

        // The release runs from tasks nobody awaits: a RedisTimeoutException (not a RedisException) used to escape there.
        redis.Pause();
        try
        {
            Assert.Null(await Record.ExceptionAsync(() => held.DisposeAsync().AsTask()));
        }
        finally
        {
            redis.Resume();
        }
    }

    [Fact]
    public async Task TryLockAsync_LockGrantedAfterTheWaitTimedOut_IsReleasedNotLeftForItsLifetime()
    {
        using var redis = await RedisServer.StartAsync();
        using var connection = new RedisConnection($"127.0.0.1:{redis.Port},connectTimeout=2000,syncTimeout=20000,asyncTimeout=20000");
        var store = Store(Cache(connection), NewKey(), new RedisTokenLock(connection), TimeSpan.FromMilliseconds(200));
        await store.TryGetAsync(Key, Ct);

        // Redis stalls: the lock attempt outlasts OperationTimeout, and this instance goes on without the lock...
        redis.Pause();
        IAsyncDisposable? held;
        try
        {
            held = await store.TryLockAsync(Key, _ => ValueTask.FromResult(false), Ct);
        }
        finally
        {
            redis.Resume();
        }

        // ...then Redis answers the attempt (SET NX succeeds): that lock must be released, not held for 30 seconds.
        Assert.Null(held);
        using var observer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var lockKey = "SalesforceAuth:" + Key.DistributedKey + ":lock";
        var released = false;
        for (var attempt = 0; attempt < 200 && !released; attempt++)
        {
            // In this order: once the SET NX has run, an absent lock can only mean it was released.
            released = await SetCommandsAsync(redis) > 0 && (await observer.GetDatabase().StringGetAsync(lockKey)).IsNull;
            if (!released)
            {
                await Task.Delay(50, Ct);
            }
        }

        Assert.True(released, "The lock granted after the wait was still held.");
    }

    private static async Task<long> SetCommandsAsync(RedisServer redis)
    {
        // The late SET NX did reach Redis (else an absent lock would prove nothing).
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var stats = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("commandstats");
        var set = stats.SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_set").Value;
        return set is null ? 0 : long.Parse(set.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static SalesforceToken Token(string value) =>
        new(value, new Uri("https://pod1.my.salesforce.com")) { ObtainedAt = DateTimeOffset.UtcNow };

    private static RedisTokenCache Cache(RedisConnection connection) => new(connection);

    private static DistributedTokenStore Store(IDistributedCache cache, string encryptionKey, ISalesforceTokenLock? tokenLock = null, TimeSpan? operationTimeout = null) =>
        new(
            cache,
            Options.Create(new SalesforceDistributedCacheOptions
            {
                EncryptionKey = encryptionKey,
                FailureBackoff = TimeSpan.Zero,
                OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(5),
            }),
            TimeProvider.System,
            NullLogger<DistributedTokenStore>.Instance,
            tokenLock);

    /// <summary>Runs another instance's work right after the next read returns, before the reader goes on.</summary>
    private sealed class InterleavingCache(RedisTokenCache inner) : ISalesforceDistributedCache
    {
        public Func<Task>? AfterNextRead { get; set; }

        public byte[]? Get(string key) => inner.Get(key);

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            var value = await inner.GetAsync(key, token);
            if (AfterNextRead is { } interleave)
            {
                AfterNextRead = null;
                await interleave();
            }

            return value;
        }

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => inner.SetAsync(key, value, options, token);

        public ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken) => inner.RemoveIfUnchangedAsync(key, expected, cancellationToken);
    }
}
