using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Tokens;
using StackExchange.Redis;

namespace SalesforceAuth.IntegrationTests.Redis;

public sealed class RedisTokenCacheTests
{
    [Fact]
    public async Task TwoServiceProviders_ColdAndConcurrent_ShareOneTokenRequest()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var key = NewKey();
        using var a = Instance(source, redis, key);
        using var b = Instance(source, redis, key);

        var fromA = Get(a);
        var fromB = Get(b);
        await source.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        source.Gate.SetResult();
        var tokens = await Task.WhenAll(fromA, fromB);

        Assert.Equal(1, source.Calls);
        Assert.Equal(tokens[0].AccessToken, tokens[1].AccessToken);
    }

    [Fact]
    public async Task StoredValues_AreNotReadableTokens()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource();
        using var a = Instance(source, redis, NewKey());
        var token = await Get(a);

        var values = await RawValuesAsync(redis);

        Assert.NotEmpty(values);
        Assert.All(values, v =>
        {
            Assert.DoesNotContain(token.AccessToken, v, StringComparison.Ordinal);
            Assert.DoesNotContain("salesforce.com", v, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task EntriesFromAnotherKeyOrGarbage_AreIgnored()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource();
        var key = NewKey();
        using var a = Instance(source, redis, key);
        await Get(a);

        using var otherKey = Instance(source, redis, NewKey());
        var other = await Get(otherKey);
        Assert.Equal(2, source.Calls);
        Assert.Equal(CountingTokenSource.TokenValue(2), other.AccessToken);

        await OverwriteEntriesAsync(redis, "not an encrypted token"u8.ToArray());
        using var sameKey = Instance(source, redis, key);
        var afterGarbage = await Get(sameKey);
        Assert.Equal(3, source.Calls);
        Assert.Equal(CountingTokenSource.TokenValue(3), afterGarbage.AccessToken);
    }

    [Fact]
    public async Task RedisKilledMidRun_NoCallFails_AndSharingRecoversAfterRestart()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource();
        var key = NewKey();
        using var a = Instance(source, redis, key);
        await Get(a);

        redis.Kill();
        for (var i = 0; i < 5; i++)
        {
            await Get(a, forceRefresh: true);
        }

        using var cold = Instance(source, redis, key);
        await Get(cold);
        Assert.Equal(7, source.Calls);

        await redis.RestartAsync();

        // The connection comes back by itself; renew until a token lands in the restarted (empty) Redis.
        SalesforceToken? shared = null;
        for (var attempt = 0; attempt < 100 && shared is null; attempt++)
        {
            var renewed = await Get(a, forceRefresh: true);
            if ((await RawValuesAsync(redis)).Count > 0)
            {
                shared = renewed;
            }
            else
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.NotNull(shared);
        var calls = source.Calls;
        using var late = Instance(source, redis, key);
        var fromRedis = await Get(late);
        Assert.Equal(shared.AccessToken, fromRedis.AccessToken);
        Assert.Equal(calls, source.Calls);
    }

    [Fact]
    public async Task HolderShutDownRightAfterItsToken_StoresItAndReleasesTheLock()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource();
        var key = NewKey();
        var a = Instance(source, redis, key);
        var token = await Get(a);

        // A service that stops right after its first call: the others must not wait for a lock nobody holds.
        await a.DisposeAsync();

        Assert.Empty(await KeysAsync(redis, "SalesforceAuth:*:lock"));
        await using var b = Instance(source, redis, key);
        Assert.Equal(token.AccessToken, (await Get(b)).AccessToken);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task LockLeftByAHolderThatStoredItsToken_WaiterTakesTheTokenWithoutWaitingOutTheLock()
    {
        using var redis = await RedisServer.StartAsync();
        var source = new CountingTokenSource();
        var key = NewKey();
        SalesforceToken stored;
        await using (var holder = Instance(source, redis, key))
        {
            stored = await Get(holder);
        }

        // Replay the cold start: the entry is not there yet, and the lock is held by an instance that will store its
        // token and die without releasing (the lock would only expire after 30 s; LockWait is 1 minute).
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var database = connection.GetDatabase();
        var entry = Assert.Single(await KeysAsync(redis, "SalesforceAuth:*"));
        await database.KeyRenameAsync(entry, entry + ":parked");
        await database.StringSetAsync(entry + ":lock", "an-instance-that-died", TimeSpan.FromSeconds(30));
        var lockAttemptsBefore = await SetCommandsAsync(connection);

        await using var waiter = Instance(source, redis, key, TimeSpan.FromMinutes(1));
        var pending = Get(waiter);
        while (!pending.IsCompleted && await SetCommandsAsync(connection) == lockAttemptsBefore)
        {
            // The waiter's first lock attempt (SET NX) has not reached Redis yet (a waiter that ended instead is judged below).
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await database.KeyRenameAsync(entry + ":parked", entry);
        var token = await pending.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(stored.AccessToken, token.AccessToken);
        Assert.Equal(1, source.Calls);
    }

    private static async Task<long> SetCommandsAsync(ConnectionMultiplexer connection)
    {
        var stats = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("commandstats");
        var set = stats.SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_set").Value;
        return set is null ? 0 : long.Parse(set.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> KeysAsync(RedisServer redis, string pattern)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var keys = new List<string>();
        await foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pattern: pattern))
        {
            keys.Add(key!);
        }

        return keys;
    }

    private static async Task<SalesforceToken> Get(ServiceProvider provider, bool forceRefresh = false)
    {
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();
        var current = await tokens.GetTokenAsync("crm", cancellationToken: TestContext.Current.CancellationToken);
        return forceRefresh ? await tokens.RenewTokenAsync("crm", current, cancellationToken: TestContext.Current.CancellationToken) : current;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static ServiceProvider Instance(CountingTokenSource source, RedisServer redis, string key, TimeSpan? lockWait = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKeyedSingleton<ISalesforceTokenSource>(KeyedService.AnyKey, source);
        services.AddSalesforceClient("crm", o =>
        {
            o.ClientId = "3MVG9redis";
            o.Flow = SalesforceFlow.ClientCredentials;
            o.ClientSecret = "not-a-real-secret";
            o.LoginUrl = new Uri("https://acme.my.salesforce.com");
        });
        services.AddSalesforceRedis(redis.Configuration, o =>
        {
            o.EncryptionKey = key;
            o.FailureBackoff = TimeSpan.Zero;
            o.LockWait = lockWait ?? o.LockWait;
        });
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> RawValuesAsync(RedisServer redis)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var database = connection.GetDatabase();
        var values = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "SalesforceAuth:*"))
        {
            if (await database.KeyTypeAsync(key) == RedisType.Hash)
            {
                values.AddRange((await database.HashGetAllAsync(key)).Select(e => System.Text.Encoding.Latin1.GetString((byte[])e.Value!)));
            }
        }

        return values;
    }

    private static async Task OverwriteEntriesAsync(RedisServer redis, byte[] value)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var database = connection.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: "SalesforceAuth:*"))
        {
            await database.HashSetAsync(key, "data", value);
        }
    }

}

/// <summary>A token source that counts requests and can be held at a gate.</summary>
internal sealed class CountingTokenSource : ISalesforceTokenSource
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string TokenValue(int n) => $"00D000000000001!redis{n}";

    public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _calls);
        FirstCall.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return new SalesforceToken(TokenValue(n), new Uri("https://pod1.my.salesforce.com")) { ObtainedAt = TimeProvider.System.GetUtcNow() };
    }
}
