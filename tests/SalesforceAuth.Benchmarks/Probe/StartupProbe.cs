using System.Diagnostics;
using System.Globalization;
using AotConsole;
using SalesforceAuth.AotSample;
using SalesforceAuth.Benchmarks.Infrastructure;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// Time from process start to the first successful API call, for samples/AotConsole published as a Native AOT
/// executable and the same program published for the JIT, against FakeSalesforce. Both builds are published by this
/// run, then run in alternating pairs (so a slow phase of the machine hits both alike), each run a fresh process with a
/// cold token cache: start, JWT bearer token, one <c>GET /services/data/</c>, exit. The clock runs from
/// <see cref="Process.Start()"/> to the moment the success line arrives on the child's standard output.
/// </summary>
public static class StartupProbe
{
    /// <summary>Target of issue 19: native time to first call at most half the JIT's.</summary>
    private const double TargetRatio = 0.5;

    public static async Task<int> RunAsync(List<string> args)
    {
        var runs = ProbeOptions.Int(args, "--runs") ?? 20;
        var warmups = ProbeOptions.Int(args, "--warmups") ?? 2;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var work = Directory.CreateTempSubdirectory("sfauth-startup-");
        try
        {
            Console.WriteLine("// Startup probe: publishing samples/AotConsole as Native AOT and for the JIT");
            var builds = new List<(string Name, string Executable, long Bytes)>();
            foreach (var (name, aot) in new[] { ("Native AOT", true), ("JIT", false) })
            {
                var clock = Stopwatch.StartNew();
                var (exitCode, output, executable) = await AotSampleBuild.PublishAsync(Path.Combine(work.FullName, aot ? "aot" : "jit"), aot, cancellation.Token);
                var warnings = AotSampleBuild.Warnings(output);
                if (exitCode != 0 || warnings.Count > 0)
                {
                    Console.WriteLine(output);
                    Console.WriteLine($"// The {name} publish failed or warned ({warnings.Count} warnings).");
                    return 2;
                }

                var folder = Path.GetDirectoryName(executable)!;
                var bytes = aot
                    ? new FileInfo(executable).Length
                    : Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".xml", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
                Console.WriteLine($"//   {name}: published in {clock.Elapsed.TotalSeconds:F0} s, {bytes / (1024.0 * 1024.0):F1} MiB");
                builds.Add((name, executable, bytes));
            }

            await using var org = await AotSampleOrg.StartAsync(cancellation.Token);
            Console.WriteLine($"// {warmups} warm-up runs of each (not counted), then {runs} measured pairs; {MachineLoad.Describe()}");
            for (var i = 0; i < warmups; i++)
            {
                foreach (var build in builds)
                {
                    await RunOnceAsync(org, build.Executable, cancellation.Token);
                }
            }

            var samples = builds.ToDictionary(b => b.Name, _ => new List<Sample>());
            var ratios = new List<double>();
            for (var round = 0; round < runs; round++)
            {
                // Alternate which build goes first, so neither always runs right after the other.
                var order = round % 2 == 0 ? builds : [.. Enumerable.Reverse(builds)];
                foreach (var build in order)
                {
                    samples[build.Name].Add(await RunOnceAsync(org, build.Executable, cancellation.Token));
                }

                ratios.Add(samples[builds[0].Name][^1].Milliseconds / samples[builds[1].Name][^1].Milliseconds);
            }

            var loadAfter = MachineLoad.Describe();
            var rows = new List<string[]> { new[] { "Build", "Median", "Min", "P25–P75", "Max", "Peak working set (median)", "Size" } };
            foreach (var build in builds)
            {
                var times = samples[build.Name].Select(s => s.Milliseconds).Order().ToList();
                var memory = samples[build.Name].Select(s => s.PeakWorkingSetMiB).Order().ToList();
                rows.Add(
                [
                    build.Name,
                    Ms(Percentile(times, 0.5)),
                    Ms(times[0]),
                    $"{Ms(Percentile(times, 0.25))}–{Ms(Percentile(times, 0.75))}",
                    Ms(times[^1]),
                    string.Create(CultureInfo.InvariantCulture, $"{Percentile(memory, 0.5):F1} MiB"),
                    string.Create(CultureInfo.InvariantCulture, $"{build.Bytes / (1024.0 * 1024.0):F1} MiB"),
                ]);
            }

            var aotMedian = Percentile([.. samples[builds[0].Name].Select(s => s.Milliseconds).Order()], 0.5);
            var jitMedian = Percentile([.. samples[builds[1].Name].Select(s => s.Milliseconds).Order()], 0.5);
            var pairRatio = Percentile([.. ratios.Order()], 0.5);
            var memoryRatio = Percentile([.. samples[builds[0].Name].Select(s => s.PeakWorkingSetMiB).Order()], 0.5) / Percentile([.. samples[builds[1].Name].Select(s => s.PeakWorkingSetMiB).Order()], 0.5);
            var pass = pairRatio <= TargetRatio;

            Console.WriteLine();
            Console.WriteLine($"Process start to first successful API call, {runs} runs of each; after the runs: {loadAfter}.");
            Console.WriteLine("Size: the native executable; for the JIT, the app's own files (the .NET runtime it runs on is installed apart).");
            Console.WriteLine();
            Console.Write(Table.Format(rows));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Native AOT / JIT: {pairRatio:F2}× (median of the {runs} per-pair ratios; ratio of the medians {aotMedian / jitMedian:F2}×), target ≤ {TargetRatio:F2}×: {(pass ? "PASS" : "FAIL")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Peak working set, Native AOT / JIT: {memoryRatio:F2}×"));
            return pass ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<Sample> RunOnceAsync(AotSampleOrg org, string executable, CancellationToken cancellationToken)
    {
        var startInfo = org.StartInfo(executable);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var transcript = new List<string>();
        double? firstCall = null;
        double? peakWorkingSet = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (firstCall is null && line.StartsWith(AotConsoleApp.SuccessPrefix, StringComparison.Ordinal))
            {
                firstCall = clock.Elapsed.TotalMilliseconds;
            }

            if (line.StartsWith(AotConsoleApp.PeakWorkingSetPrefix, StringComparison.Ordinal))
            {
                peakWorkingSet = double.Parse(line[AotConsoleApp.PeakWorkingSetPrefix.Length..].Split(' ')[0], CultureInfo.InvariantCulture);
            }

            transcript.Add(line);
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || firstCall is null || peakWorkingSet is null)
        {
            throw new InvalidOperationException($"{executable} exited with {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, transcript)}{Environment.NewLine}{await stderr}");
        }

        return new Sample(firstCall.Value, peakWorkingSet.Value);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var position = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    private static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F0} ms");

    private sealed record Sample(double Milliseconds, double PeakWorkingSetMiB);
}
