using System.Diagnostics;
using System.Net;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// A caller that gives up never cancels the acquisition other callers share, and a token endpoint that never answers
/// cannot hold callers beyond <see cref="SalesforceClientOptions.TotalTimeout"/>. Elapsed times are checked with wide
/// margins only to prove that nothing hangs; they are not performance assertions.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class CancellationTests(ITestOutputHelper output)
{
    private static readonly List<string[]> Rows = [];

    [Fact]
    public async Task CancelledCaller_OnColdCache_SharedAcquisitionCompletesForTheOtherWithOneTokenRequest()
    {
        await using var kit = await ReliabilityKit.StartAsync();
        using var client = kit.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Fake.GrantProcessing = async (_, token) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(token);
        };

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var impatient = client.GetAsync(ReliabilityKit.ApiPath, giveUp.Token);
        var patient = client.GetAsync(ReliabilityKit.ApiPath, ct);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        // The token request is held open in the emulator; one caller gives up.
        var started = Stopwatch.GetTimestamp();
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        var cancelledAfter = Stopwatch.GetElapsedTime(started);
        Assert.False(patient.IsCompleted, "the other caller is still waiting for the shared acquisition");

        release.SetResult();
        using var response = await patient.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, kit.TokenRequests);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(outcome: "success"));
        Record("Two callers on a cold cache, token request held open, one caller cancelled", $"cancelled caller: OperationCanceledException {Ms(cancelledAfter)} after its cancel, while the request was still held; other caller: HTTP 200 once released", "1");
        ReliabilityReport.RecordSecrets("Cancellation", kit.ScanForSecrets(), null);
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    [Fact]
    public async Task HungTokenEndpoint_ManyCallers_TypedErrorWithinTheTotalTimeoutAndOneAttempt()
    {
        var total = TimeSpan.FromSeconds(1);
        await using var kit = await ReliabilityKit.StartAsync(o =>
        {
            o.TotalTimeout = total;
            o.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.MaxRetries = 2;
        });
        using var client = kit.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        kit.Fake.InjectTokenFault(FakeFault.Delayed(TimeSpan.FromMinutes(10)), 10);

        var started = Stopwatch.GetTimestamp();
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync(ReliabilityKit.ApiPath, ct));
            return (Error: kit.Observe(error), Elapsed: Stopwatch.GetElapsedTime(started));
        }, ct)).ToArray();
        var results = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60), ct);
        var slowest = results.Max(r => r.Elapsed);

        Assert.All(results, r => Assert.Equal(SalesforceReason.ServiceUnavailable, r.Error.Reason));
        Assert.All(results, r => Assert.IsType<SalesforceServiceUnavailableException>(r.Error));

        // One shared acquisition, cut by the total budget during its first (hung) attempt: no retry after the budget.
        Assert.Equal(1, kit.TokenRequests);
        Assert.True(slowest < total + TimeSpan.FromSeconds(15), $"callers waited {slowest} with TotalTimeout {total}");
        Record($"16 callers, token endpoint never answers, TotalTimeout {Ms(total)}, AttemptTimeout 5 min", $"all: {results[0].Error.GetType().Name} ({results[0].Error.Reason}); slowest caller {Ms(slowest)}", kit.TokenRequests.ToString());

        // A caller's own deadline is honoured even sooner.
        kit.Fake.ClearFaults();
        kit.Fake.InjectTokenFault(FakeFault.Delayed(TimeSpan.FromMinutes(10)), 10);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(200));
        var own = Stopwatch.GetTimestamp();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(ReliabilityKit.ApiPath, deadline.Token));
        var ownElapsed = Stopwatch.GetElapsedTime(own);
        Assert.True(ownElapsed < TimeSpan.FromSeconds(15), $"the caller's 200 ms deadline took {ownElapsed}");
        Record("One caller with its own 200 ms deadline, token endpoint never answers", $"OperationCanceledException after {Ms(ownElapsed)} (not wrapped)", "-");
        ReliabilityReport.RecordSecrets("Timeouts", kit.ScanForSecrets(), null);
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    private static string Ms(TimeSpan value) => $"{ReliabilityReport.F(value.TotalMilliseconds, "F0")} ms";

    private void Record(string scenario, string outcome, string tokenRequests)
    {
        string table;
        lock (Rows)
        {
            Rows.RemoveAll(r => r[0] == scenario);
            Rows.Add([scenario, outcome, tokenRequests]);
            Rows.Sort((a, b) => string.CompareOrdinal(a[0], b[0]));
            table = "## 6. Cancellation and timeouts\n\n" + ReliabilityReport.Table(["Scenario", "Outcome", "Token endpoint requests"], Rows);
        }

        ReliabilityReport.Write("6 Cancellation", table, output);
    }
}
