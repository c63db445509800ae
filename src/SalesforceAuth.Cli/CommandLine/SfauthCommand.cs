using System.CommandLine;
using System.CommandLine.Invocation;
using SalesforceAuth.Cli.Commands;

namespace SalesforceAuth.Cli.CommandLine;

/// <summary>
/// The <c>sfauth</c> command tree. To add a command: write <c>Commands/XxxCommand.cs</c> with
/// <c>public static Command Create(CliHost host)</c> that declares the command's own options and arguments (plus
/// <see cref="AddConnectionOptions"/> when it talks to Salesforce) and binds its body with
/// <see cref="SetAction(Command, CliHost, Func{CommandContext, CancellationToken, Task{int}})"/>; then add
/// <c>XxxCommand.Create</c> to <see cref="Commands"/>.
/// </summary>
internal static class SfauthCommand
{
    public const string JsonName = "--json";

    /// <summary>Every command, in help order.</summary>
    private static readonly Func<CliHost, Command>[] Commands =
    [
        TokenCommand.Create,
        CallCommand.Create,
        AssertionCommand.Create,
        DoctorCommand.Create,
        IntrospectCommand.Create,
        RevokeCommand.Create,
        KeygenCommand.Create,
        ExplainCommand.Create,
        LoginCommand.Create,
        EmulatorCommand.Create,
    ];

    /// <summary>A new command tree for one run (options are not shared between trees).</summary>
    public static RootCommand Create(CliHost host)
    {
        var root = new RootCommand(
            "sfauth: Salesforce server-to-server authentication from the command line.\n" +
            "Run 'sfauth <command> --help' for a command's options; each setting also reads the SF_* variable shown there.\n" +
            "Arguments can come from a response file: sfauth token @settings.rsp.\n" +
            "Exit codes: 0 success, 2 usage or configuration error, 3 Salesforce refused, 4 Salesforce unreachable or\n" +
            "unavailable, 5 the API call returned an error status.");
        root.Options.Add(new Option<bool>(JsonName) { Description = "machine-readable output on stdout", Recursive = true });
        foreach (var create in Commands)
        {
            root.Subcommands.Add(create(host));
        }

        root.SetAction(int (_) => throw new UsageException($"No command given. Commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}. Run 'sfauth --help'."));
        return root;
    }

    /// <summary>Adds the connection settings (<see cref="SettingOption.Connection"/>) to a command that talks to Salesforce.</summary>
    public static void AddConnectionOptions(Command command)
    {
        foreach (var setting in SettingOption.Connection)
        {
            command.Options.Add(setting.Create());
        }
    }

    /// <summary>Runs <paramref name="run"/> as the command's action; failures propagate to <see cref="Program"/>, which reports them.</summary>
    public static void SetAction(this Command command, CliHost host, Func<CommandContext, CancellationToken, Task<int>> run) =>
        command.SetAction((parseResult, cancellationToken) => run(new CommandContext(parseResult, host), cancellationToken));

    /// <summary>
    /// Turns parse errors into a <see cref="UsageException"/> (exit 2), with System.CommandLine's own typo suggestions
    /// ("Did you mean ...") captured as remedies rather than printed, so they also reach <c>--json</c> output.
    /// </summary>
    public static UsageException ToUsageException(ParseResult parseResult)
    {
        using var suggestions = new StringWriter();
        using var errors = new StringWriter();
        if (parseResult.Action is ParseErrorAction errorAction)
        {
            errorAction.ShowHelp = false;
            errorAction.ShowTypoCorrections = true;
        }

        parseResult.Invoke(new InvocationConfiguration { Output = suggestions, Error = errors, EnableDefaultExceptionHandler = false });
        var command = parseResult.CommandResult.Command;
        var help = command is RootCommand ? "sfauth --help" : $"sfauth {command.Name} --help";
        var message = string.Join(" ", parseResult.Errors.Select(e => string.Join(" ", e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));
        return new UsageException(message)
        {
            Suggestions = [.. Lines(suggestions.ToString()), $"Run '{help}' for the options and environment variables."],
        };
    }

    /// <summary>"'--flw' was not matched. Did you mean one of the following?\n--flow" as one line.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        var blocks = text.Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return blocks.Select(b => string.Join(" ", b.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }
}
