using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.IntegrationTests.Redis;
using StackExchange.Redis;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// The Redis second level under failure, end to end against FakeSalesforce and a private redis-server: killed and
/// restarted in the middle of a soak (no caller fails; sharing resumes), and entries that are garbage, plaintext tokens
/// pointing elsewhere, copied from another cache key, or encrypted with another key (all ignored, never trusted).
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class RedisReliabilityTests(ITestOutputHelper output)
{
    private const int Workers = 64;
    private static readonly ConcurrentDictionary<string, string[]> Rows = new(StringComparer.Ordinal);

    [Fact]
    public async Task RedisKilledAndRestartedMidSoak_ZeroFailedCalls_SharingRecovers()
    {
        using var redis = await RedisServer.StartAsync();
        var key = NewKey();
        await using var kit = await ReliabilityKit.StartAsync(services: s => s.AddSalesforceRedis(redis.Configuration, o =>
        {
            o.EncryptionKey = key;
            o.FailureBackoff = TimeSpan.FromMilliseconds(200);
        }));
        using var client = kit.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var calls = Math.Max(10_000, SoakTests.Calls() / 10);
        var revokeEvery = calls / 20;
        var issued = 0;
        var completed = 0;
        var failures = new ConcurrentQueue<string>();
        var killedAt = calls * 3 / 10;
        var restartAt = calls * 6 / 10;
        var restart = Task.CompletedTask;
        var started = Stopwatch.GetTimestamp();

        async Task WorkAsync()
        {
            while (Interlocked.Increment(ref issued) <= calls)
            {
                try
                {
                    using var response = await client.GetAsync(ReliabilityKit.ApiPath, ct);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"HTTP {(int)response.StatusCode}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or SalesforceAuthenticationException)
                {
                    failures.Enqueue(kit.Observe(ex).GetType().Name + ": " + ex.Message);
                }

                var done = Interlocked.Increment(ref completed);
                if (done % revokeEvery == 0)
                {
                    kit.Fake.RevokeAllSessions();
                }

                if (done == killedAt)
                {
                    redis.Kill();
                }

                if (done == restartAt)
                {
                    restart = redis.RestartAsync();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync, ct)));
        await restart;
        var elapsed = Stopwatch.GetElapsedTime(started);
        var tokenRequests = kit.TokenRequests;

        // Recovery: renew until a token lands in the restarted (empty) Redis; a new instance then needs no token request.
        var stored = false;
        for (var attempt = 0; attempt < 100 && !stored; attempt++)
        {
            kit.Fake.RevokeAllSessions();
            using (var response = await client.GetAsync(ReliabilityKit.ApiPath, ct))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            stored = (await EntriesAsync(redis)).Count > 0;
            if (!stored)
            {
                await Task.Delay(100, ct);
            }
        }

        Assert.True(stored, "no token reached Redis after it came back");
        var beforeSecondInstance = kit.TokenRequests;
        var second = kit.CreateInstance();
        using (var other = second.GetRequiredService<IHttpClientFactory>().CreateClient(ReliabilityKit.ClientName))
        using (var response = await other.GetAsync(ReliabilityKit.ApiPath, ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var secondInstanceRequests = kit.TokenRequests - beforeSecondInstance;
        Record("Redis killed at 30% of a soak, restarted at 60%", $"{ReliabilityReport.N(calls)} calls, {Workers} workers, revocation every {ReliabilityReport.N(revokeEvery)}: {failures.Count} failed calls in {ReliabilityReport.F(elapsed.TotalSeconds)} s; {tokenRequests} token requests; after restart a new instance got the shared token with {secondInstanceRequests} token requests");
        ReliabilityReport.RecordSecrets("Redis outage", kit.ScanForSecrets(), null);

        Assert.True(failures.IsEmpty, $"{failures.Count} failed calls, first: {string.Join(" | ", failures.Take(5))}");
        Assert.Equal(0, secondInstanceRequests);
        Assert.True(tokenRequests <= (calls / revokeEvery) + 1, $"{tokenRequests} token requests for {calls / revokeEvery} revocations");
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    [Fact]
    public async Task CorruptForeignAndOtherKeyEntries_AreIgnoredNeverTrusted()
    {
        using var redis = await RedisServer.StartAsync();
        var key = NewKey();
        var otherKey = NewKey();
        var useOtherKey = false;
        await using var trap = new TrapListener();
        await using var kit = await ReliabilityKit.StartAsync(services: s => s.AddSalesforceRedis(redis.Configuration, o =>
        {
            o.EncryptionKey = useOtherKey ? otherKey : key;
            o.FailureBackoff = TimeSpan.Zero;
        }));
        var ct = TestContext.Current.CancellationToken;
        using (var warm = kit.CreateClient())
        using (var response = await warm.GetAsync(ReliabilityKit.ApiPath, ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var entries = await EntriesAsync(redis);
        var original = Assert.Single(entries);
        var problems = new List<string>();

        async Task ColdInstanceMustIgnoreAsync(string what, Func<Task> tamper)
        {
            await tamper();
            var before = kit.TokenRequests;
            var instance = kit.CreateInstance();
            using var client = instance.GetRequiredService<IHttpClientFactory>().CreateClient(ReliabilityKit.ClientName);
            string outcome;
            try
            {
                using var response = await client.GetAsync(ReliabilityKit.ApiPath, ct);
                outcome = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or SalesforceAuthenticationException)
            {
                outcome = kit.Observe(ex).GetType().Name;
            }

            var requests = kit.TokenRequests - before;
            Record($"Entry: {what}", $"cold instance: {outcome}, {requests} token request (the entry was ignored)");
            if (outcome != "HTTP 200" || requests != 1)
            {
                problems.Add($"{what}: {outcome}, {requests} token requests");
            }
        }

        await ColdInstanceMustIgnoreAsync("random bytes", () => SetAsync(redis, original.Key, RandomNumberGenerator.GetBytes(200)));
        await ColdInstanceMustIgnoreAsync("truncated ciphertext", () => SetAsync(redis, original.Key, original.Value[..(original.Value.Length / 2)]));
        await ColdInstanceMustIgnoreAsync("one flipped bit", () => SetAsync(redis, original.Key, Flip(original.Value)));
        await ColdInstanceMustIgnoreAsync("empty value", () => SetAsync(redis, original.Key, []));
        await ColdInstanceMustIgnoreAsync(
            "plaintext token JSON pointing at a trap host",
            () => SetAsync(redis, original.Key, Encoding.UTF8.GetBytes($"{{\"AccessToken\":\"00D000000000001!planted\",\"access_token\":\"00D000000000001!planted\",\"InstanceUrl\":\"{trap.Url}\",\"instance_url\":\"{trap.Url}\"}}")));

        // An entry another principal stored (valid ciphertext, bound to another cache key), moved under this key.
        await SetAsync(redis, original.Key, original.Value);
        var otherUser = new HttpRequestMessage(HttpMethod.Get, ReliabilityKit.ApiPath).SetSalesforceUsername(kit.Users[1].Username);
        using (var warm = kit.CreateClient())
        using (var response = await warm.SendAsync(otherUser, ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var otherEntry = (await EntriesAsync(redis)).Single(e => e.Key != original.Key);
        await ColdInstanceMustIgnoreAsync("another cache key's entry copied here", () => SetAsync(redis, original.Key, otherEntry.Value));

        // An entry written by an instance configured with another encryption key.
        useOtherKey = true;
        var foreignWriter = kit.CreateInstance();
        await DeleteAsync(redis, original.Key);
        using (var writer = foreignWriter.GetRequiredService<IHttpClientFactory>().CreateClient(ReliabilityKit.ClientName))
        using (var response = await writer.GetAsync(ReliabilityKit.ApiPath, ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        useOtherKey = false;
        await ColdInstanceMustIgnoreAsync("encrypted with another key", () => Task.CompletedTask);

        ReliabilityReport.RecordSecrets("Redis entries", kit.ScanForSecrets(), null);
        Assert.Empty(problems);
        Assert.Equal(0, trap.Connections);
        Assert.All(kit.ApiTraffic.BearerOrigins.Keys, o => Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), o, ignoreCase: true));
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] Flip(byte[] value)
    {
        var copy = value.ToArray();
        copy[copy.Length / 2] ^= 0x01;
        return copy;
    }

    private static async Task<List<(RedisKey Key, byte[] Value)>> EntriesAsync(RedisServer redis)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var database = connection.GetDatabase();
        var entries = new List<(RedisKey, byte[])>();
        await foreach (var key in server.KeysAsync(pattern: "SalesforceAuth:*"))
        {
            if (await database.KeyTypeAsync(key) == RedisType.Hash && await database.HashGetAsync(key, "data") is { HasValue: true } data)
            {
                entries.Add((key, (byte[])data!));
            }
        }

        return entries;
    }

    private static async Task SetAsync(RedisServer redis, RedisKey key, byte[] value)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await connection.GetDatabase().HashSetAsync(key, "data", value);
    }

    private static async Task DeleteAsync(RedisServer redis, RedisKey key)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await connection.GetDatabase().KeyDeleteAsync(key);
    }

    private void Record(string scenario, string outcome)
    {
        Rows[scenario] = [scenario, outcome];
        ReliabilityReport.Write("5 Redis", "## 5. Redis second level under failure (real redis-server, loopback, no persistence)\n\n" + ReliabilityReport.Table(["Scenario", "Outcome"], Rows.Values.OrderBy(r => r[0], StringComparer.Ordinal).ToList()), output);
    }
}
