using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>
/// The cache hands a new token out at once with the session lifetime estimate and learns its real expiry
/// (introspection) in the background: a cold acquisition waits for one round trip, not two.
/// </summary>
public sealed class ExpiryRefinementTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_Cold_ReturnsTheTokenWhileRefinementIsHeldBack()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Refinement = new TaskCompletionSource<DateTimeOffset?>() };
        using var manager = TestManagers.Create(source);

        // The refinement is never answered: the token is handed out regardless, with the session lifetime estimate.
        var token = await manager.GetAsync(manager.DefaultEntry, Ct).AsTask().WaitAsync(Wait, Ct);
        await source.RefinementStarted.Task.WaitAsync(Wait, Ct);

        Assert.Equal(1, source.Calls);
        Assert.Null(token.HardExpiry);
        Assert.InRange(token.RefreshAt, clock.GetUtcNow() + TimeSpan.FromMinutes(55), clock.GetUtcNow() + TimeSpan.FromMinutes(60));
        Assert.Same(token, manager.DefaultEntry.Current);
    }

    [Fact]
    public async Task GetAsync_RefinementAnswersLater_SlotAndDistributedEntryGetTheLearnedExpiryWithoutATokenRequest()
    {
        var clock = TestManagers.Clock();
        var learned = clock.GetUtcNow() + TimeSpan.FromMinutes(20);
        var source = new FakeTokenSource(clock) { Refinement = new TaskCompletionSource<DateTimeOffset?>(TaskCreationOptions.RunContinuationsAsynchronously) };
        var secondLevel = new RecordingSecondLevel();
        using var manager = TestManagers.Create(source, secondLevel: secondLevel);

        var first = await manager.GetAsync(manager.DefaultEntry, Ct);
        await secondLevel.WhenWritten(1).WaitAsync(Wait, Ct);
        source.Refinement.SetResult(learned);
        var (refinedToken, refinedExpiry) = await secondLevel.WhenWritten(2).WaitAsync(Wait, Ct);
        var current = await manager.GetAsync(manager.DefaultEntry, Ct);

        Assert.Equal(1, source.Calls);
        Assert.Null(first.HardExpiry);
        Assert.NotSame(first, current);
        Assert.Equal(first.Token.AccessToken, current.Token.AccessToken);
        Assert.Equal(learned, current.HardExpiry);
        Assert.True(current.Token.HasKnownExpiry);
        Assert.True(current.RefreshAt < learned);
        Assert.Equal(first.Token.AccessToken, refinedToken.AccessToken);
        Assert.Equal(learned, refinedToken.ExpiresAt);
        Assert.Equal(learned, refinedExpiry);
    }

    [Fact]
    public async Task GetAsync_RefinedExpiryPassed_TokenIsRenewed()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Refinement = new TaskCompletionSource<DateTimeOffset?>(TaskCreationOptions.RunContinuationsAsynchronously) };
        var secondLevel = new RecordingSecondLevel();
        using var manager = TestManagers.Create(source, secondLevel: secondLevel);
        await manager.GetAsync(manager.DefaultEntry, Ct);
        source.Refinement.SetResult(clock.GetUtcNow() + TimeSpan.FromMinutes(20));
        await secondLevel.WhenWritten(2).WaitAsync(Wait, Ct);
        source.Refinement = null;

        // Past the learned hard expiry, though well within the 60-minute session lifetime estimate.
        clock.Advance(TimeSpan.FromMinutes(21));
        var renewed = await manager.GetAsync(manager.DefaultEntry, Ct);

        Assert.Equal(FakeTokenSource.TokenValue(2), renewed.Token.AccessToken);
        Assert.Equal(2, source.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetAsync_RefinementLearnsNothingOrFails_SessionLifetimeEstimateStaysAndTheCallerNeverSeesIt(bool fails)
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Refinement = new TaskCompletionSource<DateTimeOffset?>() };
        var logs = new CapturingLoggerFactory();
        var secondLevel = new RecordingSecondLevel();
        using var manager = new SalesforceTokenManager("test", TestManagers.Options(), () => source, new SalesforceTokenCache(), clock, logs.CreateLogger("t"), new SalesforceMetrics(null), secondLevel);

        var first = await manager.GetAsync(manager.DefaultEntry, Ct);
        await source.RefinementStarted.Task.WaitAsync(Wait, Ct);
        if (fails)
        {
            source.Refinement.SetException(new HttpRequestException("introspection unreachable"));

            // The refinement runs in the background: its warning is written after this test's next line may run.
            await logs.WhenLogged(1103).WaitAsync(Wait, Ct);
        }
        else
        {
            source.Refinement.SetResult(null);
        }

        var again = await manager.GetAsync(manager.DefaultEntry, Ct);

        Assert.Same(first, again);
        Assert.Null(again.HardExpiry);
        Assert.Equal(1, source.Calls);
        Assert.Single(secondLevel.Writes);
        Assert.DoesNotContain(logs.Lines, l => l.EventId.Id == 3005);
        Assert.Equal(fails, logs.Lines.Any(l => l.EventId.Id == 1103 && l.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task Dispose_CancelsTheRefinementInFlight()
    {
        var clock = TestManagers.Clock();
        var source = new FakeTokenSource(clock) { Refinement = new TaskCompletionSource<DateTimeOffset?>() };
        var manager = TestManagers.Create(source);
        var first = await manager.GetAsync(manager.DefaultEntry, Ct);
        await source.RefinementStarted.Task.WaitAsync(Wait, Ct);

        manager.Dispose();
        source.Refinement.TrySetResult(clock.GetUtcNow() + TimeSpan.FromMinutes(20));

        Assert.Single(source.RefinementCancellationTokens);
        Assert.True(source.RefinementCancellationTokens[0].IsCancellationRequested);
        Assert.Same(first, manager.DefaultEntry.Current);
    }

    [Fact]
    public async Task RenewAsync_BeforeTheRefinementAnswers_LateRefinementDoesNotReplaceTheNewToken()
    {
        var clock = TestManagers.Clock();
        var refinement = new TaskCompletionSource<DateTimeOffset?>();
        var source = new FakeTokenSource(clock) { Refinement = refinement };
        using var manager = TestManagers.Create(source);
        var first = await manager.GetAsync(manager.DefaultEntry, Ct);
        await source.RefinementStarted.Task.WaitAsync(Wait, Ct);
        source.Refinement = null;

        var renewed = await manager.RenewAsync(manager.DefaultEntry, first.Token, Ct);
        refinement.SetResult(clock.GetUtcNow() + TimeSpan.FromMinutes(20));

        Assert.Same(renewed, manager.DefaultEntry.Current);
        Assert.Equal(FakeTokenSource.TokenValue(2), renewed.Token.AccessToken);
        Assert.Null(renewed.HardExpiry);
    }

    /// <summary>A distributed level that records writes in order and lets a test wait for the n-th.</summary>
    private sealed class RecordingSecondLevel : ITokenSecondLevel
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource<(SalesforceToken, DateTimeOffset)>> _writes = new();

        public List<(SalesforceToken Token, DateTimeOffset ExpiresAt)> Writes { get; } = [];

        public Task<(SalesforceToken Token, DateTimeOffset ExpiresAt)> WhenWritten(int n) => Written(n).Task;

        public ValueTask<SalesforceToken?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken) => ValueTask.FromResult<SalesforceToken?>(null);

        public ValueTask SetAsync(TokenCacheKey key, SalesforceToken token, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            int n;
            lock (Writes)
            {
                Writes.Add((token, expiresAt));
                n = Writes.Count;
            }

            Written(n).TrySetResult((token, expiresAt));
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(TokenCacheKey key, SalesforceToken token, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IAsyncDisposable?> TryLockAsync(TokenCacheKey key, Func<CancellationToken, ValueTask<bool>> tokenArrived, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IAsyncDisposable?>(null);

        private TaskCompletionSource<(SalesforceToken, DateTimeOffset)> Written(int n) =>
            _writes.GetOrAdd(n, static _ => new TaskCompletionSource<(SalesforceToken, DateTimeOffset)>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
