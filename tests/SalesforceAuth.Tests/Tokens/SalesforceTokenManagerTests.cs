using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

public sealed class SalesforceTokenManagerTests
{
    [Fact]
    public async Task GetAsync_1000ParallelColdCallers_MakeOneTokenRequest()
    {
        var source = new FakeTokenSource { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var manager = TestManagers.Create(source);
        var waits = new Task<CachedToken>[1000];

        Parallel.For(0, waits.Length, i => waits[i] = manager.GetAsync(manager.DefaultEntry, CancellationToken.None).AsTask());
        Assert.All(waits, w => Assert.False(w.IsCompleted));
        source.Gate.SetResult();
        var tokens = await Task.WhenAll(waits);

        Assert.Equal(1, source.Calls);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Fact]
    public async Task GetAsync_OneWaiterCancelled_AcquisitionContinuesForTheOthers()
    {
        var source = new FakeTokenSource { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var manager = TestManagers.Create(source);
        using var cancel = new CancellationTokenSource();

        var first = manager.GetAsync(manager.DefaultEntry, cancel.Token).AsTask();
        var second = manager.GetAsync(manager.DefaultEntry, CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        source.Gate.SetResult();
        var token = await second;

        Assert.Equal(FakeTokenSource.TokenValue(1), token.Token.AccessToken);
        Assert.Equal(1, source.Calls);
        Assert.False(source.CancellationTokens[0].IsCancellationRequested);
    }

    [Fact]
    public async Task GetAsync_PastSoftLifetimeUnderLoad_ServesCurrentTokenAtOnceWhileOneBackgroundRefreshRuns()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = TestManagers.Create(source);
        var first = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        clock.Advance(TimeSpan.FromMinutes(61));
        var calls = new ValueTask<CachedToken>[200];
        Parallel.For(0, calls.Length, i => calls[i] = manager.GetAsync(manager.DefaultEntry, CancellationToken.None));

        Assert.All(calls, c => Assert.True(c.IsCompletedSuccessfully));
        Assert.All(calls, c => Assert.Same(first, c.Result));
        var refresh = manager.DefaultEntry.Inflight;
        Assert.NotNull(refresh);

        // The refresh runs on the thread pool: wait until it has reached the source, then check that it is the only one
        // while it is still held at the gate (200 stale callers, one background refresh).
        await source.WhenCalled(2).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(2, source.Calls);
        Assert.Same(refresh, manager.DefaultEntry.Inflight);
        Assert.Same(first, await manager.GetAsync(manager.DefaultEntry, CancellationToken.None));

        source.Gate.SetResult();
        var renewed = await refresh;
        Assert.Equal(FakeTokenSource.TokenValue(2), renewed.Token.AccessToken);
        Assert.Same(renewed, await manager.GetAsync(manager.DefaultEntry, CancellationToken.None));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task GetAsync_BackgroundRefreshFails_KeepsServingValidTokenAndRetriesLater()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Failure = n => n == 2 ? new SalesforceAuthenticationException("down", null, new SalesforceErrorDetails { Reason = SalesforceReason.Unknown, IsTransient = true }) : null };
        using var manager = TestManagers.Create(source);
        var first = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Same(first, await manager.GetAsync(manager.DefaultEntry, CancellationToken.None));
        var refresh = manager.DefaultEntry.Inflight!;
        source.Gate.SetResult();
        await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => refresh);

        var again = manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        Assert.True(again.IsCompletedSuccessfully);
        Assert.Same(first, await again);
        Assert.Equal(2, source.Calls);

        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Advance(SalesforceTokenManager.FailedRefreshRetryDelay);
        Assert.Same(first, await manager.GetAsync(manager.DefaultEntry, CancellationToken.None));
        var retry = manager.DefaultEntry.Inflight;
        Assert.NotNull(retry);
        source.Gate.SetResult();
        var retried = await retry;
        Assert.Equal(3, source.Calls);
        Assert.Equal(FakeTokenSource.TokenValue(3), retried.Token.AccessToken);
    }

    [Fact]
    public async Task GetAsync_PastKnownExpiry_WaitsForNewToken()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock);
        using var manager = TestManagers.Create(source);
        manager.DefaultEntry.Current = CachedToken.Create(
            new SalesforceToken("00D000000000001!old", new Uri("https://pod1.my.salesforce.com")) { ObtainedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddMinutes(30), HasKnownExpiry = true },
            TimeSpan.FromMinutes(60),
            clock.GetUtcNow(),
            0);

        clock.Advance(TimeSpan.FromMinutes(31));
        var token = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        Assert.Equal(FakeTokenSource.TokenValue(1), token.Token.AccessToken);
    }

    [Fact]
    public async Task GetAsync_PastEstimatedExpiry_ServesCurrentTokenAtOnceWhileRenewingInBackground()
    {
        // The token client fills ExpiresAt with ObtainedAt + SessionLifetime: an estimate, not a hard limit (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm).
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var manager = TestManagers.Create(source);
        var old = CachedToken.Create(
            new SalesforceToken("00D000000000001!old", new Uri("https://pod1.my.salesforce.com")) { ObtainedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddMinutes(60) },
            TimeSpan.FromMinutes(60),
            clock.GetUtcNow(),
            0);
        manager.DefaultEntry.Current = old;
        Assert.Null(old.HardExpiry);

        clock.Advance(TimeSpan.FromMinutes(61));
        var served = manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        Assert.True(served.IsCompletedSuccessfully);
        Assert.Same(old, await served);
        var refresh = manager.DefaultEntry.Inflight;
        Assert.NotNull(refresh);
        source.Gate.SetResult();
        Assert.Equal(FakeTokenSource.TokenValue(1), (await refresh).Token.AccessToken);
    }

    [Fact]
    public async Task Invalidate_OtherToken_DoesNotEvict_SameToken_Evicts()
    {
        var source = new FakeTokenSource();
        using var manager = TestManagers.Create(source);
        var cached = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        Assert.False(manager.Invalidate(manager.DefaultEntry, new SalesforceToken("00D000000000001!other", cached.Token.InstanceUrl)));
        Assert.Same(cached, manager.DefaultEntry.Current);
        Assert.True(manager.Invalidate(manager.DefaultEntry, cached.Token));
        Assert.Null(manager.DefaultEntry.Current);
    }

    [Fact]
    public async Task RenewAsync_ConcurrentRenewalsOfSameToken_MakeOneRequest()
    {
        var source = new FakeTokenSource();
        using var manager = TestManagers.Create(source);
        var stale = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var renewals = Enumerable.Range(0, 50).Select(_ => manager.RenewAsync(manager.DefaultEntry, stale.Token, CancellationToken.None)).ToArray();
        source.Gate.SetResult();
        var renewed = await Task.WhenAll(renewals);
        var late = await manager.RenewAsync(manager.DefaultEntry, stale.Token, CancellationToken.None);

        Assert.Equal(2, source.Calls);
        Assert.All(renewed, r => Assert.Equal(FakeTokenSource.TokenValue(2), r.Token.AccessToken));
        Assert.Same(renewed[0], late);
    }

    [Fact]
    public async Task GetEntry_PerRequestUsername_HasItsOwnTokenAndPassesTheUsername()
    {
        var source = new FakeTokenSource();
        using var manager = TestManagers.Create(source);

        await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);
        var entry = manager.GetEntry(new SalesforceTokenRequest { Username = "jane@acme.com" });
        var jane = await manager.GetAsync(entry, CancellationToken.None);
        var again = manager.GetEntry(new SalesforceTokenRequest { Username = "JANE@acme.com" });

        Assert.Same(entry, again);
        Assert.Equal(FakeTokenSource.TokenValue(2), jane.Token.AccessToken);
        Assert.Equal("jane@acme.com", source.Requests[1]?.Username);
        Assert.Null(source.Requests[0]);
    }

    [Fact]
    public async Task GetAsync_SourceFails_ExceptionReachesEveryWaiterAndNextCallRetries()
    {
        var source = new FakeTokenSource { Failure = n => n == 1 ? new SalesforceAuthenticationException("no", null, new SalesforceErrorDetails { Reason = SalesforceReason.InvalidAssertion }) : null };
        using var manager = TestManagers.Create(source);

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => manager.GetAsync(manager.DefaultEntry, CancellationToken.None).AsTask());
        var token = await manager.GetAsync(manager.DefaultEntry, CancellationToken.None);

        Assert.Equal(SalesforceReason.InvalidAssertion, error.Reason);
        Assert.Equal(FakeTokenSource.TokenValue(2), token.Token.AccessToken);
    }
}
