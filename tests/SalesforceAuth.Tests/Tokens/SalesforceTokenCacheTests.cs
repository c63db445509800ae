using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

public sealed class SalesforceTokenCacheTests
{
    [Fact]
    public void PerUserSlots_IdleForAnHour_TrimmedOnceTheCacheGrows_PinnedSlotKept()
    {
        var clock = TestManagers.Clock();
        var cache = new SalesforceTokenCache(clock, sweepAbove: 2);
        var pinned = cache.GetEntry(Key(null), null, pinned: true);
        var idle = cache.GetEntry(Key("idle@acme.com"), Request("idle@acme.com"));

        clock.Advance(SalesforceTokenCache.IdleLimit);
        var fresh = cache.GetEntry(Key("new@acme.com"), Request("new@acme.com"));

        Assert.Equal(2, cache.Count);
        Assert.Same(pinned, cache.GetEntry(Key(null), null));
        Assert.Same(fresh, cache.GetEntry(Key("new@acme.com"), Request("new@acme.com")));
        Assert.NotSame(idle, cache.GetEntry(Key("idle@acme.com"), Request("idle@acme.com")));
    }

    [Fact]
    public void PerUserSlot_UsedWithinTheHour_Kept()
    {
        var clock = TestManagers.Clock();
        var cache = new SalesforceTokenCache(clock, sweepAbove: 1);
        var busy = cache.GetEntry(Key("busy@acme.com"), Request("busy@acme.com"));

        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Same(busy, cache.GetEntry(Key("busy@acme.com"), Request("busy@acme.com")));
        clock.Advance(TimeSpan.FromMinutes(50));
        cache.GetEntry(Key("new@acme.com"), Request("new@acme.com"));

        Assert.Same(busy, cache.GetEntry(Key("busy@acme.com"), Request("busy@acme.com")));
    }

    [Fact]
    public void PerUserSlot_WithAnAcquisitionInFlight_Kept()
    {
        var clock = TestManagers.Clock();
        var cache = new SalesforceTokenCache(clock, sweepAbove: 1);
        var waiting = cache.GetEntry(Key("waiting@acme.com"), Request("waiting@acme.com"));
        waiting.Inflight = new TaskCompletionSource<CachedToken>().Task;

        clock.Advance(TimeSpan.FromHours(2));
        cache.GetEntry(Key("new@acme.com"), Request("new@acme.com"));

        Assert.Same(waiting, cache.GetEntry(Key("waiting@acme.com"), Request("waiting@acme.com")));
    }

    [Fact]
    public void SmallCache_NeverSwept()
    {
        var clock = TestManagers.Clock();
        var cache = new SalesforceTokenCache(clock, sweepAbove: 10);
        var idle = cache.GetEntry(Key("idle@acme.com"), Request("idle@acme.com"));

        clock.Advance(TimeSpan.FromHours(5));
        cache.GetEntry(Key("new@acme.com"), Request("new@acme.com"));

        Assert.Same(idle, cache.GetEntry(Key("idle@acme.com"), Request("idle@acme.com")));
    }

    [Fact]
    public async Task Manager_PerUserTokenTrimmedWhileIdle_RenewedOnNextUse()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = new SalesforceTokenManager("test", TestManagers.Options(), () => source, new SalesforceTokenCache(clock, sweepAbove: 1), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new SalesforceAuth.Internal.SalesforceMetrics(null));
        var alice = Request("alice@acme.com");
        await manager.GetAsync(manager.GetEntry(alice), CancellationToken.None);
        await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(61));
        await manager.GetAsync(manager.GetEntry(Request("bob@acme.com")), CancellationToken.None);
        var again = await manager.GetAsync(manager.GetEntry(alice), CancellationToken.None);

        // Alice's slot went while idle (one more request for her), the configured principal's did not.
        Assert.Equal(FakeTokenSource.TokenValue(4), again.Token.AccessToken);
        Assert.Equal(4, source.Calls);
        Assert.Equal(FakeTokenSource.TokenValue(2), (await manager.GetAsync(manager.DefaultEntry, CancellationToken.None)).Token.AccessToken);
    }

    private static SalesforceTokenRequest? Request(string? username) => username is null ? null : new SalesforceTokenRequest { Username = username };

    private static TokenCacheKey Key(string? username) => TokenCacheKey.Create("test", TestManagers.Options(), Request(username));
}
