using System.Collections;

namespace SalesforceAuth.Samples;

/// <summary>The console entry shared by the samples: the process environment in, Ctrl+C as cancellation, the exit code out.</summary>
public static class SampleConsole
{
    /// <summary>Runs a sample's testable entry point as a console program.</summary>
    /// <param name="run">The sample's entry point (output, environment, cancellation) returning the exit code.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(Func<TextWriter, IDictionary<string, string?>, CancellationToken, Task<int>> run)
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
        return await run(Console.Out, environment, cancellation.Token);
    }
}
