using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>
/// The first level's bounds: idle slots trimmed, least recently used slots evicted beyond
/// <see cref="SalesforceConnectionsOptions.MaxCachedTokens"/>, configured connections' own slots pinned, and eviction
/// never costing a caller its token or a second token request.
/// </summary>
public sealed class SalesforceTokenCacheTests
{
    [Fact]
    public void Cap_Exceeded_LeastRecentlyUsedEvicted_MostRecentlyUsedAndPinnedKept()
    {
        var clock = TestManagers.Clock();
        var cache = Cache(clock, maxCachedTokens: 3);
        var pinned = cache.GetEntry(Key(null), null, pinned: true);
        var a = Use(cache, clock, "a@acme.com");
        var b = Use(cache, clock, "b@acme.com");
        var c = Use(cache, clock, "c@acme.com");
        Use(cache, clock, "a@acme.com");

        var d = Use(cache, clock, "d@acme.com");

        // Four counted slots over a cap of three: the least recently used (b) went; a was used after c, d is new, the
        // configured connection's own slot is not counted.
        Assert.Equal(3, cache.Count);
        Assert.True(b.Evicted);
        Assert.False(c.Evicted);
        Assert.Same(a, cache.GetEntry(Key("a@acme.com"), Request("a@acme.com")));
        Assert.Same(d, cache.GetEntry(Key("d@acme.com"), Request("d@acme.com")));
        Assert.Same(pinned, cache.GetEntry(Key(null), null));
        Assert.NotSame(b, cache.GetEntry(Key("b@acme.com"), Request("b@acme.com")));
    }

    [Fact]
    public void Cap_Exceeded_SlotWithAnAcquisitionInFlightKept()
    {
        var clock = TestManagers.Clock();
        var cache = Cache(clock, maxCachedTokens: 1);
        var waiting = Use(cache, clock, "waiting@acme.com");
        waiting.Inflight = new TaskCompletionSource<CachedToken>().Task;

        Use(cache, clock, "new@acme.com");

        Assert.False(waiting.Evicted);
        Assert.Same(waiting, cache.GetEntry(Key("waiting@acme.com"), Request("waiting@acme.com")));
    }

    [Fact]
    public void IdleSlots_TrimmedByTheTimer_RecentlyUsedAndPinnedKept()
    {
        var clock = TestManagers.Clock();
        using var cache = Cache(clock, idleTimeout: TimeSpan.FromMinutes(20));
        var pinned = cache.GetEntry(Key(null), null, pinned: true);
        var idle = cache.GetEntry(Key("idle@acme.com"), Request("idle@acme.com"));
        var busy = cache.GetEntry(Key("busy@acme.com"), Request("busy@acme.com"));

        clock.Advance(TimeSpan.FromMinutes(15));
        cache.GetEntry(Key("busy@acme.com"), Request("busy@acme.com"));
        clock.Advance(TimeSpan.FromMinutes(10));

        // The timer runs every 5 minutes: at minute 20 the idle slot had been unused for 20.
        Assert.True(idle.Evicted);
        Assert.False(busy.Evicted);
        Assert.Equal(1, cache.Count);
        Assert.Same(pinned, cache.GetEntry(Key(null), null));
    }

    [Fact]
    public async Task Manager_EvictedToken_ReacquiredOnNextUse_WithExactlyOneTokenRequest_ConfiguredPrincipalKept()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = Manager(source, Cache(clock, maxCachedTokens: 2), clock);
        var own = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        var alice = await GetAsync(manager, clock, "alice@acme.com");
        await GetAsync(manager, clock, "bob@acme.com");
        await GetAsync(manager, clock, "carol@acme.com");
        Assert.Equal(4, source.Calls);

        // Alice's slot was the least recently used one: her next calls, all at once, make one token request.
        var again = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => manager.GetAsync(manager.GetEntry(Request("alice@acme.com")), CancellationToken.None).AsTask())));

        Assert.Equal(5, source.Calls);
        Assert.All(again, t => Assert.Equal(FakeTokenSource.TokenValue(5), t.Token.AccessToken));
        Assert.NotEqual(alice.Token.AccessToken, again[0].Token.AccessToken);
        Assert.Same(own, await manager.GetAsync(manager.DefaultEntry, CancellationToken.None));
    }

    [Fact]
    public async Task Manager_SlotEvictedWhileACallerHoldsIt_CallerAndNextCallerShareOneTokenRequest()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        var cache = Cache(clock, maxCachedTokens: 1);
        using var manager = Manager(source, cache, clock);
        var held = manager.GetEntry(Request("alice@acme.com"));

        // Evicted (least recently used) after the caller found it, before it asked for a token.
        clock.Advance(TimeSpan.FromSeconds(1));
        manager.GetEntry(Request("bob@acme.com"));
        Assert.True(held.Evicted);

        source.Gate = new TaskCompletionSource();
        var holder = manager.GetAsync(held, CancellationToken.None).AsTask();
        await source.WhenCalled(1);
        var next = manager.GetAsync(manager.GetEntry(Request("alice@acme.com")), CancellationToken.None).AsTask();
        source.Gate.SetResult();

        Assert.Same(await holder, await next);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task Manager_TokenEvictedDuringAnInFlightRequest_RenewalOnA401StillWorks_OneTokenRequest()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = Manager(source, Cache(clock, maxCachedTokens: 1), clock);
        var entry = manager.GetEntry(Request("alice@acme.com"));
        var sent = await manager.GetAsync(entry, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(1));
        await GetAsync(manager, clock, "bob@acme.com");
        Assert.True(entry.Evicted);

        // The request sent with Alice's token comes back 401: the renewal goes to her live slot, which the next caller finds.
        var renewed = await manager.RenewAsync(entry, sent.Token, CancellationToken.None);
        var next = await manager.GetAsync(manager.GetEntry(Request("alice@acme.com")), CancellationToken.None);

        Assert.NotEqual(sent.Token.AccessToken, renewed.Token.AccessToken);
        Assert.Same(renewed, next);
        Assert.Equal(3, source.Calls);
    }

    [Fact]
    public async Task Manager_EvictedSlot_ItsStalenessTimerReleased()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = Manager(source, Cache(clock, maxCachedTokens: 1), clock);
        var alice = await GetAsync(manager, clock, "alice@acme.com");
        Assert.False(alice.MayBeStale);

        var bob = await GetAsync(manager, clock, "bob@acme.com");

        // Alice's timer was released with her slot (her token, if still held, takes the exact clock comparison).
        Assert.True(alice.MayBeStale);
        Assert.False(bob.MayBeStale);
    }

    [Fact]
    public async Task ManyCallersAsManyUsers_TinyCap_EachGetsItsOwnUsersToken_NothingThrows()
    {
        // Eviction races with lookups, acquisitions, renewals and the idle trim; every token handed out must be the
        // requested user's (the source issues tokens naming their user).
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var source = new UserTokenSource();
        var cache = Cache(clock, maxCachedTokens: 5, idleTimeout: TimeSpan.FromMinutes(1));
        using var manager = Manager(source, cache, clock);
        var users = Enumerable.Range(0, 40).Select(i => $"user{i}@acme.com").ToArray();
        var wrong = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 4000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var user = users[(i * 7919) % users.Length];
            var entry = manager.GetEntry(Request(user));
            var token = await manager.GetAsync(entry, CancellationToken.None);
            if (i % 13 == 0)
            {
                token = await manager.RenewAsync(entry, token.Token, CancellationToken.None);
            }

            if (i % 200 == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(20));
            }

            if (!token.Token.AccessToken.StartsWith(user + "|", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref wrong);
            }
        });

        // Above the cap only by slots skipped while in flight and those admitted while another caller swept (each at
        // most one per concurrent caller): far below the 40 users.
        Assert.Equal(0, wrong);
        Assert.True(cache.Count <= 5 + (2 * 8), $"{cache.Count} slots held over a cap of 5 with 8 callers");
    }

    private static SalesforceTokenCache Cache(TimeProvider clock, int maxCachedTokens = 100, TimeSpan? idleTimeout = null) =>
        new(clock, new SalesforceConnectionsOptions { MaxCachedTokens = maxCachedTokens, IdleTimeout = idleTimeout ?? TimeSpan.FromHours(1) }, null);

    private static SalesforceTokenManager Manager(ISalesforceTokenSource source, SalesforceTokenCache cache, TimeProvider clock) =>
        new("test", TestManagers.Options(), () => source, cache, clock, NullLogger.Instance, new SalesforceMetrics(null));

    private static TokenCacheEntry Use(SalesforceTokenCache cache, FakeTimeProvider clock, string username)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        return cache.GetEntry(Key(username), Request(username));
    }

    private static ValueTask<CachedToken> GetAsync(SalesforceTokenManager manager, FakeTimeProvider clock, string username)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        return manager.GetAsync(manager.GetEntry(Request(username)), CancellationToken.None);
    }

    private static SalesforceTokenRequest? Request(string? username) => username is null ? null : new SalesforceTokenRequest { Username = username };

    private static TokenCacheKey Key(string? username) => TokenCacheKey.Create("test", TestManagers.Options(), Request(username));

    /// <summary>Issues <c>{username}|{n}</c> tokens, after a yield so that acquisitions overlap.</summary>
    private sealed class UserTokenSource : ISalesforceTokenSource
    {
        private int _issued;

        public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            var n = Interlocked.Increment(ref _issued);
            return new SalesforceToken($"{request?.Username ?? "integration@acme.com"}|{n}", new Uri("https://pod1.my.salesforce.com")) { Flow = SalesforceFlow.JwtBearer };
        }

        public Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) => Task.FromResult<SalesforceToken?>(null);
    }
}
