using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

public sealed class DistributedTokenStoreTests
{
    // Per use, not once per process (eng/mutation.sh runs every TokenCacheKey mutant in one test process).
    private static TokenCacheKey Key => TokenCacheKey.Create("test", TestManagers.Options(), null);

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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Protect_Expiry_RoundTripsWhetherLearnedOrEstimated(bool learned)
    {
        var store = Store(new FakeDistributedCache(), NewKey());
        var expires = DateTimeOffset.UnixEpoch.AddDays(20000).AddHours(2);
        var token = new SalesforceToken("00D000000000001!x", new Uri("https://pod1.my.salesforce.com")) { ExpiresAt = expires, HasKnownExpiry = learned };

        var back = store.Unprotect(Key, store.Protect(Key, token));

        // A learned (introspected) expiry is a hard limit in every instance's cache; an estimate stays soft.
        Assert.Equal(expires, back?.ExpiresAt);
        Assert.Equal(learned, back?.HasKnownExpiry);
    }

    [Fact]
    public void Unprotect_OtherEncryptionKeyOtherCacheKeyOrGarbage_Ignored()
    {
        var mine = Store(new FakeDistributedCache(), NewKey());
        var theirs = Store(new FakeDistributedCache(), NewKey());
        var token = new SalesforceToken("00D000000000001!x", new Uri("https://pod1.my.salesforce.com"));
        var otherKey = TokenCacheKey.Create("test", TestManagers.Options(), new SalesforceTokenRequest { Username = "someone@else.com" });
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
    public async Task Renewal_JoiningABackgroundRefreshThatReadsTheRejectedTokenFromTheDistributedCache_GetsANewToken()
    {
        var clock = TestManagers.Clock();
        var shared = new FakeDistributedCache();
        var key = NewKey();
        var source = new FakeTokenSource(clock);
        using var manager = TestManagers.Create(source, clock, secondLevel: Store(shared, key, clock));
        var first = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        await WaitForWriteAsync(shared);

        // The session is due for renewal here, while another instance was handed the same session by Salesforce later
        // (a bearer grant returns the live session) and stored it: in the distributed cache it still looks fresh.
        clock.Advance(TimeSpan.FromMinutes(61));
        var sameSessionLater = new SalesforceToken(first.Token.AccessToken, first.Token.InstanceUrl) { ObtainedAt = clock.GetUtcNow() };
        await Store(shared, key, clock).SetAsync(Key, sameSessionLater, clock.GetUtcNow().AddHours(1), CancellationToken.None);

        // A background refresh starts (with nothing to reject) and is held in its distributed cache read...
        shared.ReadGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        await shared.ReadStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // ...when Salesforce rejects the session and the renewal joins that refresh.
        var renewal = manager.RenewAsync(manager.DefaultEntry, first.Token, CancellationToken.None);
        shared.ReadGate.SetResult();
        var renewed = await renewal.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(FakeTokenSource.TokenValue(2), renewed.Token.AccessToken);
        Assert.Equal(FakeTokenSource.TokenValue(2), manager.DefaultEntry.Current?.Token.AccessToken);
    }

    [Fact]
    public async Task Renewal_RemovesTheRejectedTokenFromTheDistributedCache_SoNoOtherInstanceTakesIt()
    {
        var shared = new FakeDistributedCache();
        var key = NewKey();
        var source = new FakeTokenSource { Failure = n => n == 2 ? new SalesforceServiceUnavailableException("maintenance") : null };
        using var a = TestManagers.Create(source, secondLevel: Store(shared, key));
        var first = await a.GetAsync(a.DefaultEntry, CancellationToken.None);
        await WaitForWriteAsync(shared);

        // The renewal fails (Salesforce is down): no new token overwrites the rejected one in the shared store.
        await Assert.ThrowsAsync<SalesforceServiceUnavailableException>(() => a.RenewAsync(a.DefaultEntry, first.Token, CancellationToken.None));
        await shared.Removed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        using var b = TestManagers.Create(source, secondLevel: Store(shared, key));
        var fromB = await b.GetAsync(b.DefaultEntry, CancellationToken.None);

        Assert.Equal(FakeTokenSource.TokenValue(3), fromB.Token.AccessToken);
    }

    [Fact]
    public async Task LockGrantedAfterTheWaitTimedOut_IsReleasedNotLeftToExpire()
    {
        var grant = new TaskCompletionSource<IAsyncDisposable?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = new LateRelease();
        var store = new DistributedTokenStore(
            new FakeDistributedCache(),
            Options.Create(new SalesforceDistributedCacheOptions { EncryptionKey = NewKey(), OperationTimeout = TimeSpan.FromMilliseconds(50) }),
            TimeProvider.System,
            NullLogger<DistributedTokenStore>.Instance,
            new SlowLock(grant.Task));

        // The store answers after this instance stopped waiting (it proceeds without the lock)...
        Assert.Null(await store.TryLockAsync(Key, _ => ValueTask.FromResult(false), TestContext.Current.CancellationToken));
        grant.SetResult(late);

        // ...and the lock it was granted anyway is released, instead of holding the fleet up for its whole lifetime.
        await late.Released.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
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

    [Fact]
    public async Task LockHeldElsewhere_TheHoldersTokenArrives_WaiterTakesItWithoutRequestOrLock()
    {
        var shared = new FakeDistributedCache();
        var key = NewKey();
        var fleetLock = new FakeLock { HeldElsewhere = true };
        var source = new FakeTokenSource();

        // LockWait far beyond the test's own timeout: only watching the cache can end this wait in time.
        using var waiter = TestManagers.Create(source, secondLevel: Store(shared, key, tokenLock: fleetLock, lockWait: TimeSpan.FromMinutes(1)));
        var pending = waiter.GetAsync(waiter.DefaultEntry, CancellationToken.None).AsTask();
        await fleetLock.FirstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The holder stores its token (and, say, crashes before releasing the lock).
        var holders = new SalesforceToken("00D000000000001!holders", new Uri("https://pod1.my.salesforce.com")) { ObtainedAt = TimeProvider.System.GetUtcNow() };
        await Store(shared, key).SetAsync(Key, holders, TimeProvider.System.GetUtcNow().AddHours(1), CancellationToken.None);
        var token = await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(holders.AccessToken, token.Token.AccessToken);
        Assert.Equal(0, source.Calls);
        Assert.Equal(0, fleetLock.Taken);
    }

    [Fact]
    public async Task LockHeldElsewhere_WaitRunsOut_AsksSalesforceWithoutTheLockAndSaysSo()
    {
        var fleetLock = new FakeLock { HeldElsewhere = true };
        var source = new FakeTokenSource();
        var logs = new CapturingLoggerFactory();
        var store = Store(new FakeDistributedCache(), NewKey(), tokenLock: fleetLock, lockWait: TimeSpan.Zero, logs: logs);
        using var manager = TestManagers.Create(source, secondLevel: store);

        var token = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        Assert.Equal(FakeTokenSource.TokenValue(1), token.Token.AccessToken);
        Assert.Equal(1, fleetLock.Attempts);
        Assert.Contains(logs.Lines, e => e.EventId.Name == "DistributedLockWaitElapsed" && e.Message.Contains("LockWait", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LockFree_HolderRequestsOnceStoresAndReleases()
    {
        var shared = new FakeDistributedCache();
        var fleetLock = new FakeLock();
        var source = new FakeTokenSource();
        using var manager = TestManagers.Create(source, secondLevel: Store(shared, NewKey(), tokenLock: fleetLock));

        await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        await fleetLock.Released.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, source.Calls);
        Assert.Equal(1, fleetLock.Taken);
        Assert.True(shared.Written.Task.IsCompleted, "The token is stored before the lock is released.");
    }

    [Fact]
    public async Task WaiterBlockingInItsContinuation_DoesNotHoldUpSharingTheTokenOrReleasingTheLock()
    {
        var shared = new FakeDistributedCache();
        var fleetLock = new FakeLock();
        var source = new FakeTokenSource();
        using var manager = TestManagers.Create(source, secondLevel: Store(shared, NewKey(), tokenLock: fleetLock));

        // Waiters' continuations run inline where the shared task completes; that must not be the acquisition's thread.
        // This waiter blocks until the acquisition has stored the token and released the lock: were it running on the
        // acquisition's thread, that would never happen (and the wait would time out).
        var sawSharedAndReleased = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None).AsTask().ContinueWith(
            _ => fleetLock.Released.Task.Wait(TimeSpan.FromSeconds(10), CancellationToken.None) && shared.Written.Task.IsCompleted,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        Assert.True(sawSharedAndReleased);
    }

    [Fact]
    public async Task DisposeAsync_RightAfterTheToken_FinishesTheWriteAndReleasesTheLock()
    {
        var shared = new FakeDistributedCache { WriteGate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var fleetLock = new FakeLock();
        var source = new FakeTokenSource();
        var manager = TestManagers.Create(source, secondLevel: Store(shared, NewKey(), tokenLock: fleetLock));
        await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        await shared.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var disposing = manager.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted, "DisposeAsync waits for the write other instances are waiting for.");
        Assert.False(fleetLock.Released.Task.IsCompleted);
        shared.WriteGate.SetResult();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(shared.Written.Task.IsCompleted, "Shutdown does not cancel the write.");
        Assert.True(fleetLock.Released.Task.IsCompleted);
    }

    private static async Task WaitForWriteAsync(FakeDistributedCache cache)
    {
        // The write happens after waiters are released; wait for it without sleeping.
        await cache.Written.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static DistributedTokenStore Store(IDistributedCache cache, string key, TimeProvider? time = null, ISalesforceTokenLock? tokenLock = null, TimeSpan? lockWait = null, ILoggerFactory? logs = null) =>
        new(
            cache,
            Options.Create(new SalesforceDistributedCacheOptions { EncryptionKey = key, LockWait = lockWait ?? TimeSpan.FromSeconds(10) }),
            time ?? TimeProvider.System,
            logs is null ? NullLogger<DistributedTokenStore>.Instance : new Logger<DistributedTokenStore>(logs),
            tokenLock);

    /// <summary>A fleet lock whose one attempt is answered when the test says.</summary>
    private sealed class SlowLock(Task<IAsyncDisposable?> grant) : ISalesforceTokenLock
    {
        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken) => new(grant);
    }

    private sealed class LateRelease : IAsyncDisposable
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask DisposeAsync()
        {
            Released.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>An in-memory fleet lock: free, or held by another instance for the whole test.</summary>
    private sealed class FakeLock : ISalesforceTokenLock
    {
        private int _attempts;
        private int _taken;

        public bool HeldElsewhere { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        public int Taken => Volatile.Read(ref _taken);

        public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            FirstAttempt.TrySetResult();
            if (HeldElsewhere)
            {
                return ValueTask.FromResult<IAsyncDisposable?>(null);
            }

            Interlocked.Increment(ref _taken);
            return ValueTask.FromResult<IAsyncDisposable?>(new Release(Released));
        }

        private sealed class Release(TaskCompletionSource released) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                released.TrySetResult();
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class FakeDistributedCache : IDistributedCache
    {
        private readonly ConcurrentDictionary<string, byte[]> _values = new();
        private int _attempts;

        public bool Down { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReadStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Removed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When set, reads wait for it.</summary>
        public TaskCompletionSource? ReadGate { get; set; }

        /// <summary>When set, writes wait for it (a cancelled write is abandoned).</summary>
        public TaskCompletionSource? WriteGate { get; init; }

        public byte[]? Get(string key) => throw new NotSupportedException();

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Check();
            if (ReadGate is { } gate)
            {
                ReadStarted.TrySetResult();
                await gate.Task.WaitAsync(token);
            }

            return _values.TryGetValue(key, out var v) ? v : null;
        }

        public void Refresh(string key) => throw new NotSupportedException();

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => throw new NotSupportedException();

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Check();
            _values.TryRemove(key, out _);
            Removed.TrySetResult();
            return Task.CompletedTask;
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException();

        public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Check();
            WriteStarted.TrySetResult();
            if (WriteGate is { } gate)
            {
                await gate.Task.WaitAsync(token);
            }

            _values[key] = value;
            Written.TrySetResult();
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
