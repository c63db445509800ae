using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;

namespace SalesforceAuth.Tests.Tokens;

public sealed class DistributedTokenStoreTests
{
    private static readonly TokenCacheKey Key = TokenCacheKey.Create(TestManagers.Options(), null);

    [Fact]
    public void Protect_StoredValue_DoesNotContainTheTokenAndRoundTrips()
    {
        var store = Store(new FakeDistributedCache(), NewKey());
        var token = new SalesforceToken("00D000000000001!secretpart", new Uri("https://pod1.my.salesforce.com")) { Scope = "api", ObtainedAt = DateTimeOffset.UnixEpoch.AddDays(20000) };

        var blob = store.Protect(Key, token);
        var back = store.Unprotect(Key, blob);

        Assert.DoesNotContain("secretpart", Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
        Assert.DoesNotContain("salesforce.com", Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
        Assert.Equal(token.AccessToken, back?.AccessToken);
        Assert.Equal(token.InstanceUrl, back?.InstanceUrl);
        Assert.Equal(token.ObtainedAt, back?.ObtainedAt);
    }

    [Fact]
    public void Unprotect_OtherEncryptionKeyOtherCacheKeyOrGarbage_Ignored()
    {
        var mine = Store(new FakeDistributedCache(), NewKey());
        var theirs = Store(new FakeDistributedCache(), NewKey());
        var token = new SalesforceToken("00D000000000001!x", new Uri("https://pod1.my.salesforce.com"));
        var otherKey = TokenCacheKey.Create(TestManagers.Options(), new SalesforceTokenRequest { Username = "someone@else.com" });
        var blob = mine.Protect(Key, token);
        var tampered = (byte[])blob.Clone();
        tampered[^1] ^= 1;

        Assert.Null(theirs.Unprotect(Key, blob));
        Assert.Null(mine.Unprotect(otherKey, blob));
        Assert.Null(mine.Unprotect(Key, tampered));
        Assert.Null(mine.Unprotect(Key, Encoding.UTF8.GetBytes("{\"t\":\"00D!plain\"}")));
        Assert.Null(mine.Unprotect(Key, []));
    }

    [Fact]
    public void Constructor_MissingOrShortKey_ConfigurationErrorNamingTheSetting()
    {
        var error = Assert.Throws<SalesforceConfigurationException>(() => Store(new FakeDistributedCache(), Convert.ToBase64String(new byte[16])));

        Assert.Equal("EncryptionKey", error.Setting);
    }

    [Fact]
    public async Task TwoInstances_ShareOneToken()
    {
        var shared = new FakeDistributedCache();
        var key = NewKey();
        var source = new FakeTokenSource();
        using var a = TestManagers.Create(source, secondLevel: Store(shared, key));
        using var b = TestManagers.Create(source, secondLevel: Store(shared, key));

        var fromA = await a.GetAsync(a.DefaultEntry, CancellationToken.None);
        await WaitForWriteAsync(shared);
        var fromB = await b.GetAsync(b.DefaultEntry, CancellationToken.None);

        Assert.Equal(1, source.Calls);
        Assert.Equal(fromA.Token.AccessToken, fromB.Token.AccessToken);
    }

    [Fact]
    public async Task Renewal_DistributedCopyOfRejectedToken_NotReused()
    {
        var shared = new FakeDistributedCache();
        var key = NewKey();
        var source = new FakeTokenSource();
        using var a = TestManagers.Create(source, secondLevel: Store(shared, key));
        var first = await a.GetAsync(a.DefaultEntry, CancellationToken.None);
        await WaitForWriteAsync(shared);

        var renewed = await a.RenewAsync(a.DefaultEntry, first.Token, CancellationToken.None);

        Assert.Equal(FakeTokenSource.TokenValue(2), renewed.Token.AccessToken);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task Outage_CallsSucceedFromSourceAndStoreRecoversAfterBackoff()
    {
        var clock = TestManagers.Clock();
        var shared = new FakeDistributedCache { Down = true };
        var store = Store(shared, NewKey(), clock);
        var source = new FakeTokenSource(clock);
        using var manager = TestManagers.Create(source, clock, secondLevel: store);

        var token = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        Assert.Equal(FakeTokenSource.TokenValue(1), token.Token.AccessToken);
        Assert.Null(await store.TryGetAsync(Key, CancellationToken.None));
        var attemptsWhileDown = shared.Attempts;
        Assert.Null(await store.TryGetAsync(Key, CancellationToken.None));
        Assert.Equal(attemptsWhileDown, shared.Attempts);

        shared.Down = false;
        clock.Advance(TimeSpan.FromSeconds(31));
        await store.SetAsync(Key, token.Token, clock.GetUtcNow().AddHours(1), CancellationToken.None);

        Assert.Equal(token.Token.AccessToken, (await store.TryGetAsync(Key, CancellationToken.None))?.AccessToken);
    }

    private static async Task WaitForWriteAsync(FakeDistributedCache cache)
    {
        // The write happens after waiters are released; wait for it without sleeping.
        await cache.Written.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static DistributedTokenStore Store(IDistributedCache cache, string key, TimeProvider? time = null) =>
        new(cache, Options.Create(new SalesforceDistributedCacheOptions { EncryptionKey = key }), time ?? TimeProvider.System, NullLogger<DistributedTokenStore>.Instance);

    private sealed class FakeDistributedCache : IDistributedCache
    {
        private readonly ConcurrentDictionary<string, byte[]> _values = new();
        private int _attempts;

        public bool Down { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[]? Get(string key) => throw new NotSupportedException();

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Check();
            return Task.FromResult(_values.TryGetValue(key, out var v) ? v : null);
        }

        public void Refresh(string key) => throw new NotSupportedException();

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => throw new NotSupportedException();

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Check();
            _values.TryRemove(key, out _);
            return Task.CompletedTask;
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Check();
            _values[key] = value;
            Written.TrySetResult();
            return Task.CompletedTask;
        }

        private void Check()
        {
            Interlocked.Increment(ref _attempts);
            if (Down)
            {
                throw new InvalidOperationException("cache down");
            }
        }
    }
}
