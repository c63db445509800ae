using System.Collections;
using System.CommandLine;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli;

/// <summary>The <c>sfauth</c> entry point.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        // The check marks and the spinner are not ASCII; Windows consoles default to a code page.
        Console.OutputEncoding = System.Text.Encoding.UTF8;

        // Colour when stdout is a terminal; the spinner (on stderr) only when both are, so logs stay clean.
        var isTerminal = !Console.IsOutputRedirected;
        return await RunAsync(args, Console.Out, Console.Error, environment, isTerminal, TimeProvider.System, cancellation.Token, spinner: isTerminal && !Console.IsErrorRedirected, stdin: Console.In).ConfigureAwait(false);
    }

    /// <summary>Runs the tool in process, without a terminal (no colour, no spinner): the entry point for tests.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, CancellationToken cancellationToken, TextReader? stdin = null) =>
        RunAsync(args, stdout, stderr, environment, isTerminal: false, TimeProvider.System, cancellationToken, stdin: stdin);

    /// <summary>Runs the tool: parses, dispatches, and turns every failure into the contract's output and exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, bool isTerminal, TimeProvider timeProvider, CancellationToken cancellationToken, bool spinner = false, TextReader? stdin = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var host = new CliHost(stdin ?? TextReader.Null, stdout, stderr, environment, isTerminal, timeProvider, spinner);
        ParseResult? parseResult = null;
        try
        {
            parseResult = SfauthCommand.Create(host).Parse(args);
            if (parseResult.Errors.Count > 0)
            {
                throw SfauthCommand.ToUsageException(parseResult);
            }

            // Help, version and completions write to stdout; a command's action does the rest and returns its code.
            // Main handles Ctrl+C itself (exit 130), so System.CommandLine must not install a second handler.
            var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
#pragma warning disable CA1031 // The tool's contract: every failure becomes an exit code and a report, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // --json even when parsing failed, so that a usage error is reported in the requested format.
            var json = parseResult is { Errors.Count: 0 } ? parseResult.GetValue<bool>(SfauthCommand.JsonName) : args.Contains(SfauthCommand.JsonName);
            var console = host.CreateConsole(json);
            var report = ErrorReport.From(ex);
            report.Write(console);
            return report.ExitCode;
        }
    }
}
