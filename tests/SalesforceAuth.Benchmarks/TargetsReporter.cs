using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace SalesforceAuth.Benchmarks;

/// <summary>
/// Turns BenchmarkDotNet summaries into the issue-10 scorecard: each case's median as a ratio to its floor (floor 2 on
/// the hot path, the bare RSA signature on the cold path), its allocation against the floor's, and PASS/FAIL per
/// target. The median, not the mean: on a shared 2-core VM a few iterations that lose the CPU to a neighbour move the
/// mean of one case and not the other, and the ratio with it; the median of the iterations does not move. Longer slow
/// phases are handled by passes (see <see cref="Report"/>).
/// Cases are found by method name, so an OURS case that was not compiled or not selected prints "not run".
/// </summary>
public static class TargetsReporter
{
    public const string HotFloor = nameof(HotPathBenchmarks.Floor2_ConstantHeader);
    public const string HotRelativeFloor = nameof(HotPathBenchmarks.Floor2_RelativeUri);
    public const string ColdFloor = nameof(ColdPathBenchmarks.Floor_RsaSignData);

    /// <summary>Every row of the scorecard, in print order. A null ratio/allocation limit means "no target".</summary>
    public static readonly IReadOnlyList<Row> Rows =
    [
        new("Floor1_BareHttpClient", HotFloor, "floor 1: bare HttpClient", null, null, null),
        new(HotFloor, HotFloor, "floor 2: constant Authorization header", null, null, null),
        new(HotRelativeFloor, HotFloor, "floor 2 with the same relative URI (HttpClient combines it)", null, null, null),
        new("Ours_InstanceHost", HotFloor, "ours, request already on instance host", 1.25, 100, null),
        new("Ours_Rewrite", HotRelativeFloor, "ours, relative URI rewritten to instance_url (vs floor 2 relative)", 1.5, 320, null),
        new("Ours_Rewrite", HotFloor, "the same, vs floor 2 absolute (information)", null, null, null),
        new("Google_DelegatingHandler", HotFloor, "Google.Apis.Auth, ToDelegatingHandler", null, null, null),
        new("Google_ConfigurableHttpClient", HotFloor, "Google.Apis.Auth, ConfigurableHttpClient", null, null, null),
        new("Msal_AcquireTokenForClient", HotFloor, "MSAL.NET AcquireTokenForClient cache hit", null, null, null),
        new(ColdFloor, ColdFloor, "floor: RSA-2048 SignData SHA-256 PKCS#1", null, null, null),
        new("Ours_JwtAssertion", ColdFloor, "ours, JWT bearer assertion", 1.05, null, 4 * 1024),
        new("Ours_SamlAssertion", ColdFloor, "ours, SAML bearer assertion", 1.2, null, 60 * 1024),
    ];

    /// <summary>
    /// Prints the scorecard for every job found in <paramref name="passes"/> (one list of summaries per pass of the same
    /// benchmarks) and writes it as Markdown. With several passes a case's ratio is the median of its per-pass ratios,
    /// each taken against the floor measured in the same pass, seconds apart: a phase of a few seconds in which the VM
    /// runs slow moves one pass of one case, not the result. The per-pass ratios are shown.
    /// </summary>
    /// <returns>The number of targets that failed (not-run cases are not failures).</returns>
    public static int Report(IReadOnlyList<IReadOnlyList<Summary>> passes, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(passes);
        var all = passes.SelectMany(p => p).ToList();
        var jobs = all.SelectMany(s => s.Reports).Select(r => r.BenchmarkCase.Job.DisplayInfo).Distinct(StringComparer.Ordinal).ToList();

        var failures = 0;
        var markdown = new StringBuilder();
        foreach (var job in jobs)
        {
            var perPass = passes
                .Select(pass => pass
                    .SelectMany(s => s.Reports)
                    .Where(r => r.BenchmarkCase.Job.DisplayInfo == job)
                    .GroupBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, StringComparer.Ordinal)
                    .ToDictionary(
                        g => g.Key,
                        g => new Measurement(g.Last().ResultStatistics?.Median, g.Last().GcStats.GetBytesAllocatedPerOperation(g.Last().BenchmarkCase)),
                        StringComparer.Ordinal))
                .Where(d => d.Count > 0)
                .ToList();

            var table = Build(perPass, ref failures);
            var title = $"job: {job}" + (perPass.Count > 1 ? $", {perPass.Count} passes (median of the per-pass ratios)" : string.Empty);
            output.WriteLine();
            output.WriteLine($"## Targets (issue 10) — {title}");
            output.WriteLine();
            output.WriteLine(table);
            markdown.AppendLine(CultureInfo.InvariantCulture, $"{title}").AppendLine().AppendLine(table);
        }

        if (all.Count > 0)
        {
            var machine = string.Join(Environment.NewLine, all[0].HostEnvironmentInfo.ToFormattedString().Append(Infrastructure.MachineLoad.Describe()));
            output.WriteLine("Machine:");
            output.WriteLine(machine);
            var directory = all[0].ResultsDirectoryPath;
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "targets.md");
            File.WriteAllText(path, "```text" + Environment.NewLine + machine + Environment.NewLine + "```" + Environment.NewLine + Environment.NewLine + markdown);
            output.WriteLine($"Scorecard written to {path}");
        }

        output.WriteLine(failures == 0 ? "All measured targets met." : $"{failures} target(s) missed.");
        return failures;
    }

    private static string Build(List<Dictionary<string, Measurement>> passes, ref int failures)
    {
        var several = passes.Count > 1;
        var lines = new List<string[]>
        {
            several
                ? new[] { "Case", "What", "Median", "Ratio", "Per pass", "Allocated", "Δ alloc vs floor", "Target", "Result" }
                : new[] { "Case", "What", "Median", "Ratio", "Allocated", "Δ alloc vs floor", "Target", "Result" },
        };

        foreach (var row in Rows)
        {
            var floorFound = passes.Any(p => p.ContainsKey(row.Floor));
            var found = passes.Where(p => p.ContainsKey(row.Name)).ToList();
            if (found.Count == 0)
            {
                // A case whose floor did not run either belongs to a class that was filtered out: leave it out.
                if (floorFound)
                {
                    lines.Add(several
                        ? [row.Name, row.What, "-", "-", "-", "-", "-", row.TargetText, "not run"]
                        : [row.Name, row.What, "-", "-", "-", "-", row.TargetText, "not run"]);
                }

                continue;
            }

            // Each pass's ratio against the floor of that same pass; allocations are deterministic, the last pass's.
            var ratios = found
                .Where(p => p.TryGetValue(row.Floor, out var f) && f.MedianNs is > 0 && p[row.Name].MedianNs is not null)
                .Select(p => p[row.Name].MedianNs!.Value / p[row.Floor].MedianNs!.Value)
                .ToList();
            var m = new Measurement(Median(found.Select(p => p[row.Name].MedianNs).OfType<double>()), found[^1][row.Name].Bytes);
            double? ratio = ratios.Count > 0 ? Median(ratios) : null;
            var floorBytes = found[^1].TryGetValue(row.Floor, out var lastFloor) ? lastFloor.Bytes : null;
            long? delta = m.Bytes is { } bytes && floorBytes is { } fb ? bytes - fb : null;
            var result = Judge(row, m, ratio, delta, floorFound);
            if (result.StartsWith("FAIL", StringComparison.Ordinal))
            {
                failures++;
            }

            var cells = new List<string>
            {
                row.Name,
                row.What,
                m.MedianNs is { } ns ? FormatTime(ns) : "error",
                ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-",
            };
            if (several)
            {
                cells.Add(string.Join(" ", ratios.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture))));
            }

            cells.Add(m.Bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) + " B" : "-");
            cells.Add(delta is { } d ? (d >= 0 ? "+" : string.Empty) + d.ToString("N0", CultureInfo.InvariantCulture) + " B" : "-");
            cells.Add(row.TargetText);
            cells.Add(result);
            lines.Add([.. cells]);
        }

        return Probe.Table.Format(lines);
    }

    private static double? Median(IEnumerable<double> source)
    {
        var values = source.Order().ToList();
        if (values.Count == 0)
        {
            return null;
        }

        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static string Judge(Row row, Measurement m, double? ratio, long? delta, bool floorFound)
    {
        if (m.MedianNs is null)
        {
            return row.HasTarget ? "FAIL (no result: the benchmark failed)" : "error";
        }

        if (!row.HasTarget)
        {
            return string.Empty;
        }

        if (!floorFound)
        {
            return "not judged (floor not run)";
        }

        var misses = new List<string>();
        if (row.MaxRatio is { } maxRatio && (ratio is not { } r || r > maxRatio))
        {
            misses.Add("time");
        }

        if (row.MaxBytesOverFloor is { } over && (delta is not { } d || d > over))
        {
            misses.Add("alloc");
        }

        if (row.MaxBytes is { } max && (m.Bytes is not { } bytes || bytes > max))
        {
            misses.Add("alloc");
        }

        return misses.Count == 0 ? "PASS" : "FAIL (" + string.Join(", ", misses) + ")";
    }

    private static string FormatTime(double ns) => ns switch
    {
        < 1_000 => ns.ToString("0.0", CultureInfo.InvariantCulture) + " ns",
        < 1_000_000 => (ns / 1_000).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
        _ => (ns / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
    };

    /// <summary>One scorecard line: a benchmark method, its floor, and its targets.</summary>
    /// <param name="Name">The benchmark method name.</param>
    /// <param name="Floor">The method name of the floor it is compared with.</param>
    /// <param name="What">A short description.</param>
    /// <param name="MaxRatio">Median time at most this multiple of the floor's.</param>
    /// <param name="MaxBytesOverFloor">Allocated bytes per operation at most the floor's plus this.</param>
    /// <param name="MaxBytes">Allocated bytes per operation at most this.</param>
    public sealed record Row(string Name, string Floor, string What, double? MaxRatio, long? MaxBytesOverFloor, long? MaxBytes)
    {
        public bool HasTarget => MaxRatio is not null || MaxBytesOverFloor is not null || MaxBytes is not null;

        public string TargetText
        {
            get
            {
                var parts = new List<string>();
                if (MaxRatio is { } r)
                {
                    parts.Add("≤ " + r.ToString("0.00", CultureInfo.InvariantCulture) + "x");
                }

                if (MaxBytesOverFloor is { } o)
                {
                    parts.Add("≤ floor + " + o.ToString(CultureInfo.InvariantCulture) + " B");
                }

                if (MaxBytes is { } b)
                {
                    parts.Add("≤ " + (b / 1024).ToString(CultureInfo.InvariantCulture) + " KB");
                }

                return parts.Count == 0 ? string.Empty : string.Join(", ", parts);
            }
        }
    }

    private readonly record struct Measurement(double? MedianNs, long? Bytes);
}
