using System.Collections;
using SalesforceAuth.Cli.Commands;
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
        return await RunAsync(args, Console.Out, Console.Error, environment, isTerminal, TimeProvider.System, cancellation.Token, spinner: isTerminal && !Console.IsErrorRedirected).ConfigureAwait(false);
    }

    /// <summary>Runs the tool in process, without a terminal (no colour, no spinner): the entry point for tests.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, environment, isTerminal: false, TimeProvider.System, cancellationToken);

    /// <summary>Runs the tool: parses, dispatches, and turns every failure into the contract's output and exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, bool isTerminal, TimeProvider timeProvider, CancellationToken cancellationToken, bool spinner = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var noColor = environment.TryGetValue("NO_COLOR", out var noColorValue) && !string.IsNullOrEmpty(noColorValue);
        CliInvocation? partial = null;
        CliConsole? console = null;
        try
        {
            var invocation = CliInvocation.Parse(args, environment, out partial);
            console = new CliConsole(stdout, stderr, invocation.Json, isTerminal, noColor, timeProvider, spinner);
            if (invocation.HelpRequested)
            {
                HelpText.Write(stdout, invocation.Command);
                return ExitCodes.Success;
            }

            return invocation.Command switch
            {
                "token" => await TokenCommand.RunAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                "call" => await CallCommand.RunAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                "assertion" => await LifecycleCommands.AssertionAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                "doctor" => await DoctorCommand.RunAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                "introspect" => await LifecycleCommands.IntrospectAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                "revoke" => await LifecycleCommands.RevokeAsync(invocation, console, cancellationToken).ConfigureAwait(false),
                _ => throw new UsageException($"Unknown command '{invocation.Command}'."),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
#pragma warning disable CA1031 // The tool's contract: every failure becomes an exit code and a report, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console ??= new CliConsole(stdout, stderr, partial?.Json ?? args.Contains("--json"), isTerminal, noColor, timeProvider);
            var report = ErrorReport.From(ex);
            report.Write(console);
            return report.ExitCode;
        }
    }
}
