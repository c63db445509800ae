using System.Globalization;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>Command-line options shared by the probes: <c>--callers N --latency-ms N --subject NAME</c>.</summary>
public sealed record ProbeOptions(int Callers, TimeSpan Latency, string? Subject)
{
    public static ProbeOptions Parse(List<string> args, int defaultCallers) => new(
        Int(args, "--callers") ?? defaultCallers,
        TimeSpan.FromMilliseconds(Int(args, "--latency-ms") ?? 50),
        Value(args, "--subject"));

    public static string? Value(List<string> args, string name)
    {
        var i = args.IndexOf(name);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }

    public static int? Int(List<string> args, string name) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}
