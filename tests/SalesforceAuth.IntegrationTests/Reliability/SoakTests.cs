using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// 200,000 API calls (<c>SALESFORCEAUTH_SOAK_CALLS</c> to change it) through the IHttpClientFactory client from 64
/// concurrent workers, while every session is revoked every <c>calls / 20</c> completed calls and the org moves to
/// another pod once: callers see no failure, the token endpoint is asked at most once per revocation or move (plus the
/// first token), and memory after the run stays within <see cref="MemoryBoundBytes"/> of memory after warm-up.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class SoakTests(ITestOutputHelper output)
{
    public const string CallsVariable = "SALESFORCEAUTH_SOAK_CALLS";
    private const int DefaultCalls = 200_000;
    private const int Workers = 64;
    private const int WarmUpCalls = 12_000;
    private const long MemoryBoundBytes = 32L * 1024 * 1024;

    [Fact]
    public async Task Soak_RevocationsAndOnePodMove_ZeroCallerFailuresBoundedTokenRequestsStableMemory()
    {
        var calls = Calls();
        var revokeEvery = Math.Max(1_000, calls / 20);
        var moveAt = (calls / 2) + (revokeEvery / 2);
        await using var kit = await ReliabilityKit.StartAsync();
        using var client = kit.CreateClient();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        budget.CancelAfter(TimeSpan.FromMinutes(10));
        var ct = budget.Token;

        // Warm-up: the first token, connection pools, JIT, and the emulator's bounded request log (10,000) filled.
        var warmUp = await RunAsync(kit, client, WarmUpCalls, revokeEvery: 0, moveAt: 0, ct);
        Assert.Empty(warmUp.Failures);
        var tokensAfterWarmUp = kit.TokenRequests;
        var memoryAfterWarmUp = GC.GetTotalMemory(forceFullCollection: true);

        var run = await RunAsync(kit, client, calls, revokeEvery, moveAt, ct);

        var memoryAtEnd = GC.GetTotalMemory(forceFullCollection: true);
        var tokenRequests = kit.TokenRequests;
        var counters = kit.Fake.Counters;
        var growth = memoryAtEnd - memoryAfterWarmUp;
        var table = ReliabilityReport.Table(
            ["Figure", "Value"],
            [
                ["API calls (after 12,000 warm-up calls)", ReliabilityReport.N(run.Completed)],
                ["Concurrent workers", Workers.ToString(CultureInfo.InvariantCulture)],
                ["Failures seen by callers", ReliabilityReport.N(run.Failures.Count)],
                ["Duration", $"{ReliabilityReport.F(run.Elapsed.TotalSeconds)} s"],
                ["Throughput", $"{ReliabilityReport.N((long)(run.Completed / run.Elapsed.TotalSeconds))} calls/s"],
                ["Session revocations (RevokeAllSessions)", $"{run.Revocations} (every {ReliabilityReport.N(revokeEvery)} completed calls, about every {ReliabilityReport.F(run.Elapsed.TotalSeconds / Math.Max(1, run.Revocations))} s)"],
                ["Pod moves (MoveOrg na1 -> eu2)", $"{run.Moves} (after {ReliabilityReport.N(moveAt)} calls)"],
                ["Token requests (emulator, whole test)", $"{tokenRequests} (bound: revocations + moves + 1 = {run.Revocations + run.Moves + 1})"],
                ["401 INVALID_SESSION_ID answered and absorbed by the handler", ReliabilityReport.N(counters.ApiCalls(statusCode: 401))],
                ["API calls served by pod na1 / eu2", $"{ReliabilityReport.N(counters.ApiCalls("na1", 200))} / {ReliabilityReport.N(counters.ApiCalls("eu2", 200))}"],
                ["Managed memory after warm-up / at end (GC.GetTotalMemory(true))", $"{Mb(memoryAfterWarmUp)} / {Mb(memoryAtEnd)} MB"],
                ["Memory growth (bound)", $"{(growth >= 0 ? "+" : "")}{Mb(growth)} MB (+{Mb(MemoryBoundBytes)} MB)"],
            ]);
        ReliabilityReport.Write(
            "2 Soak",
            $"## 2. Soak: {ReliabilityReport.N(run.Completed)} API calls from {Workers} workers, sessions revoked and the org moved\n\n"
            + $"Command-line override: `{CallsVariable}` (default {ReliabilityReport.N(DefaultCalls)}). The emulator runs in the same process, so its CPU share and memory are included.\n\n"
            + table,
            output);
        ReliabilityReport.RecordSecrets("Soak", kit.ScanForSecrets(), null);

        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} failures, first: {string.Join(" | ", run.Failures.Take(5))}");
        Assert.Equal(calls, run.Completed);
        Assert.Equal((calls - 1) / revokeEvery, run.Revocations);
        Assert.Equal(1, run.Moves);
        Assert.InRange(tokenRequests, tokensAfterWarmUp + 1, run.Revocations + run.Moves + 1);
        Assert.True(counters.ApiCalls("eu2", 200) > 0, "the calls follow the org to its new pod");
        Assert.True(growth < MemoryBoundBytes, $"managed memory grew by {Mb(growth)} MB after warm-up (bound {Mb(MemoryBoundBytes)} MB)");
        Assert.All(kit.ApiTraffic.BearerOrigins.Keys, o => Assert.Contains(o, new[] { kit.Fake.GetPodUrl("na1").GetLeftPart(UriPartial.Authority), kit.Fake.GetPodUrl("eu2").GetLeftPart(UriPartial.Authority) }, StringComparer.OrdinalIgnoreCase));
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    internal static int Calls() =>
        int.TryParse(Environment.GetEnvironmentVariable(CallsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var calls) && calls > 0 ? calls : DefaultCalls;

    private static string Mb(long bytes) => ReliabilityReport.F(bytes / 1024d / 1024d);

    private static async Task<SoakRun> RunAsync(ReliabilityKit kit, HttpClient client, int calls, int revokeEvery, int moveAt, CancellationToken ct)
    {
        var issued = 0;
        var completed = 0;
        var revocations = 0;
        var moves = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
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
                    kit.Observe(ex);
                    failures.Enqueue(ex.GetType().Name + ": " + ex.Message);
                }

                var done = Interlocked.Increment(ref completed);
                if (revokeEvery > 0 && done % revokeEvery == 0 && done < calls)
                {
                    kit.Fake.RevokeAllSessions();
                    Interlocked.Increment(ref revocations);
                }

                if (done == moveAt)
                {
                    kit.Fake.MoveOrg(kit.Org, "eu2");
                    Interlocked.Increment(ref moves);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync, ct)));
        return new SoakRun(completed, revocations, moves, [.. failures], Stopwatch.GetElapsedTime(started));
    }

    private sealed record SoakRun(int Completed, int Revocations, int Moves, IReadOnlyList<string> Failures, TimeSpan Elapsed);
}
