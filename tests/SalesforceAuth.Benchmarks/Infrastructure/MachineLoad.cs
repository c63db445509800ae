using System.Globalization;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// The 1-minute load average (Linux), printed beside every result: ratios from a machine whose load exceeds its core
/// count are not worth publishing, and saying so next to the numbers saves a reader from trusting them.
/// </summary>
public static class MachineLoad
{
    public static string Describe()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var load = double.Parse(first, CultureInfo.InvariantCulture);
            var cores = Environment.ProcessorCount;
            return load > cores
                ? $"load average {first} on {cores} cores: the machine is busy, treat these numbers as a smoke test only"
                : $"load average {first} on {cores} cores";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return $"{Environment.ProcessorCount} cores (load average unknown)";
        }
    }
}
