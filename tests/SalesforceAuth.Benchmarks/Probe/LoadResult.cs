using System.Diagnostics;
using System.Globalization;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>Latencies of one burst of callers, measured from the moment they were all released.</summary>
public sealed record LoadResult(int Callers, int Failed, TimeSpan Max, TimeSpan P99, TimeSpan P50, string? FirstError)
{
    /// <summary>
    /// Releases <paramref name="callers"/> callers at once (all parked on one gate first) and measures how long each
    /// waits for its token. A caller that gets anything but <paramref name="expectedToken"/>, an exception included
    /// (a timeout too), counts as failed.
    /// </summary>
    public static async Task<LoadResult> RunAsync(GetTokenAsync getToken, int callers, string expectedToken, CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = new TimeSpan[callers];
        var failed = 0;
        string? firstError = null;
        long start = 0;

        async Task CallerAsync(int index)
        {
            await gate.Task;
            try
            {
                var token = await getToken(cancellationToken);
                latencies[index] = Stopwatch.GetElapsedTime(Volatile.Read(ref start));
                if (token != expectedToken)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, "a caller got a different token", null);
                }
            }
            catch (Exception ex)
            {
                latencies[index] = Stopwatch.GetElapsedTime(Volatile.Read(ref start));
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
            }
        }

        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            tasks[i] = CallerAsync(i);
        }

        Volatile.Write(ref start, Stopwatch.GetTimestamp());
        gate.SetResult();
        await Task.WhenAll(tasks);

        Array.Sort(latencies);
        return new LoadResult(
            callers,
            failed,
            latencies[^1],
            latencies[Math.Min(callers - 1, (int)Math.Ceiling(callers * 0.99) - 1)],
            latencies[callers / 2],
            firstError);
    }

    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
