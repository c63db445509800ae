using System.Globalization;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// <c>--probe</c>: 10,000 concurrent callers on a cold cache against a token endpoint with 50 ms latency.
/// Targets (issue 10): exactly 1 token request, and every caller served within 1.2 × latency + 10 ms.
/// Each subject gets a fresh endpoint and a fresh (cold) instance; one throwaway round of the same size first warms the
/// JIT (to the optimized tier: a 100-caller round left the fan-out code in tier 0) so the measured round times the
/// cache, not the first compilation of HttpClient, Kestrel and the subject.
/// </summary>
public static partial class ConcurrencyProbe
{
    public static async Task<int> RunAsync(List<string> args)
    {
        var options = ProbeOptions.Parse(args, defaultCallers: 10_000);
        var subjects = Subjects().Where(s => options.Subject is null || s.Name == options.Subject).ToList();
        var limit = options.Latency * 1.2 + TimeSpan.FromMilliseconds(10);
        Console.WriteLine($"Concurrency probe: {options.Callers:N0} callers, endpoint latency {LoadResult.Ms(options.Latency)}, limit {LoadResult.Ms(limit)}; {Infrastructure.MachineLoad.Describe()}.");
        var rows = new List<string[]> { new[] { "Subject", "Token requests", "Failed", "p50", "p99", "Max", "Limit", "Result" } };
        var failures = 0;
        foreach (var subject in subjects)
        {
            // Warm-up round, as large as the measured one: JIT and connection code, against a throwaway endpoint and instance.
            await RoundAsync(subject, options.Callers, options.Latency);
            var (requests, result) = await RoundAsync(subject, options.Callers, options.Latency);
            var pass = requests == 1 && result.Failed == 0 && result.Max <= limit;
            failures += pass ? 0 : 1;
            rows.Add(
            [
                subject.Name + (subject.IsFloor ? " (floor)" : string.Empty),
                requests.ToString(CultureInfo.InvariantCulture) + " (expect 1)",
                result.Failed.ToString(CultureInfo.InvariantCulture),
                LoadResult.Ms(result.P50),
                LoadResult.Ms(result.P99),
                LoadResult.Ms(result.Max),
                LoadResult.Ms(limit),
                pass ? "PASS" : "FAIL" + (result.FirstError is { } e ? " (" + e + ")" : string.Empty),
            ]);
        }

        Console.WriteLine();
        Console.WriteLine(Table.Format(rows));
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(int Requests, LoadResult Result)> RoundAsync(ProbeSubject subject, int callers, TimeSpan latency)
    {
        await using var server = await TokenEndpointServer.StartAsync(latency);
        await using var client = await subject.CreateAsync(server.BaseAddress, null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await LoadResult.RunAsync(client.GetToken, callers, TokenEndpointServer.AccessToken, timeout.Token);
        return (server.TokenRequests, result);
    }

    private static List<ProbeSubject> Subjects()
    {
        var subjects = new List<ProbeSubject> { ReferenceSubjects.SingleFlight };
        AddOurs(subjects);
        return subjects;
    }

    /// <summary>Adds our provider (ConcurrencyProbe.Ours.cs).</summary>
    static partial void AddOurs(List<ProbeSubject> subjects);
}
