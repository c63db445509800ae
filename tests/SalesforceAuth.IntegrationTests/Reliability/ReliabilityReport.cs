using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Collects the figures of the reliability scenarios and writes them as one markdown file (so the lead can paste them
/// into docs/reliability.md): <c>SALESFORCEAUTH_RELIABILITY_REPORT</c>, or <c>TestResults/reliability.md</c> next to the
/// test assembly. Each scenario owns one section; the file is rewritten whenever a section arrives.
/// </summary>
internal static class ReliabilityReport
{
    public const string PathVariable = "SALESFORCEAUTH_RELIABILITY_REPORT";

    // A plain monitor: System.Threading.Lock is .NET 9+ and this also runs on .NET 8.
    private static readonly object Gate = new();
    private static readonly SortedDictionary<string, string> Sections = new(StringComparer.Ordinal);
    private static readonly SortedDictionary<string, string[]> SecretRows = new(StringComparer.Ordinal);

    public static string FilePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "reliability.md");

    /// <summary>Records a section (keyed for ordering, for example "1 Fault matrix"), prints it to the test output and rewrites the file.</summary>
    public static void Write(string key, string markdown, ITestOutputHelper? output)
    {
        output?.WriteLine(markdown);
        lock (Gate)
        {
            Sections[key] = markdown;
            var text = new StringBuilder();
            text.AppendLine("# SalesforceAuth reliability figures").AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}.").AppendLine();
            foreach (var section in Sections.Values)
            {
                text.AppendLine(section.TrimEnd()).AppendLine();
            }

            var path = FilePath;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text.ToString());
        }
    }

    /// <summary>A markdown table.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        text.Append('|').AppendJoin('|', headers.Select(_ => "---")).AppendLine("|");
        foreach (var row in rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>Adds one scenario's secret search to the "Secrets" section.</summary>
    public static void RecordSecrets(string scenario, ReliabilityKit.SecretScan scan, ITestOutputHelper? output)
    {
        string table;
        lock (SecretRows)
        {
            SecretRows[scenario] =
            [
                scenario,
                N(scan.LogLines),
                N(scan.Exceptions),
                string.Join(", ", scan.SecretsByKind.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}")),
                N(scan.Findings.Count),
            ];
            table = "## 4. Secrets: Trace-level logs and exception texts searched for every secret handled\n\n"
                + Table(["Scenario", "Log lines (Trace)", "Exceptions (ToString + diagnosis)", "Secrets searched for", "Occurrences"], SecretRows.Values);
        }

        Write("4 Secrets", table, output);
    }

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
}
