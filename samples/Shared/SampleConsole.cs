using System.Collections;

namespace SalesforceAuth.Samples;

/// <summary>
/// The console entry shared by the samples: the process environment in, Ctrl+C as cancellation, the exit code out, and
/// a configuration mistake as one line on stderr (exit 2) rather than a stack trace.
/// </summary>
public static class SampleConsole
{
    /// <summary>Runs a sample's testable entry point as a console program.</summary>
    /// <param name="run">The sample's entry point (output, environment, cancellation) returning the exit code.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(Func<TextWriter, IDictionary<string, string?>, CancellationToken, Task<int>> run) =>
        RunAsync((output, environment, _, cancellationToken) => run(output, environment, cancellationToken), []);

    /// <summary>Runs a hosted sample's testable entry point (which also takes the command line) as a console program.</summary>
    /// <param name="run">The sample's entry point (output, environment, arguments, cancellation) returning the exit code.</param>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(Func<TextWriter, IDictionary<string, string?>, string[], CancellationToken, Task<int>> run, string[] args)
    {
        var environment = new Dictionary<string, string?>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        try
        {
            return await run(Console.Out, environment, args, cancellation.Token);
        }
        catch (SalesforceConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }
}
