using System.Globalization;

namespace SalesforceAuth.Cli;

/// <summary>
/// A parsed command line: the command, its positional arguments, and every option resolved from the command line
/// first and its <c>SF_*</c> environment variable second.
/// </summary>
internal sealed class CliInvocation
{
    public static readonly IReadOnlyList<string> Commands = ["token", "call", "assertion", "doctor", "introspect", "revoke"];

    private readonly Dictionary<CliOption, string> _values = [];
    private readonly IDictionary<string, string?> _environment;

    private CliInvocation(IDictionary<string, string?> environment) => _environment = environment;

    /// <summary>The command, or <see langword="null"/> when only <c>--help</c> was given.</summary>
    public string? Command { get; private set; }

    /// <summary>Positional arguments after the command.</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>Whether <c>--json</c> was given (known even when parsing fails later, so errors come out as JSON).</summary>
    public bool Json => IsSet(CliOption.Json);

    public bool HelpRequested => IsSet(CliOption.HelpSwitch);

    /// <summary>Parses <paramref name="args"/>. Throws <see cref="UsageException"/> with <paramref name="partial"/> still usable for the output mode.</summary>
    public static CliInvocation Parse(IReadOnlyList<string> args, IDictionary<string, string?> environment, out CliInvocation partial)
    {
        var invocation = new CliInvocation(environment);
        partial = invocation;

        // Look for --json first so that even a usage error is reported in the requested format.
        if (args.Any(a => a == CliOption.Json.Name))
        {
            invocation._values[CliOption.Json] = "true";
        }

        var positionalOnly = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (positionalOnly || !arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                if (arg == "--" && !positionalOnly)
                {
                    positionalOnly = true;
                    continue;
                }

                if (invocation.Command is null)
                {
                    if (arg is "help" or "-h" or "-?")
                    {
                        invocation._values[CliOption.HelpSwitch] = "true";
                        continue;
                    }

                    if (!Commands.Contains(arg, StringComparer.Ordinal))
                    {
                        throw new UsageException($"Unknown command '{arg}'. Commands: {string.Join(", ", Commands)}.");
                    }

                    invocation.Command = arg;
                }
                else
                {
                    invocation.Arguments.Add(arg);
                }

                continue;
            }

            var name = arg;
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            var option = CliOption.All.FirstOrDefault(o => o.Name == name)
                ?? throw new UsageException($"Unknown option '{name}'. Run 'sfauth --help' for the options.");
            if (!option.TakesValue)
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"The switch {option.Name} takes no value.");
                }

                invocation._values[option] = "true";
                continue;
            }

            if (inlineValue is null)
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new UsageException($"The option {option.Name} needs a value: {option.Help}.");
                }

                inlineValue = args[++i];
            }

            invocation._values[option] = inlineValue;
        }

        if (invocation.Command is null && !invocation.HelpRequested)
        {
            throw new UsageException($"No command given. Commands: {string.Join(", ", Commands)}. Run 'sfauth --help'.");
        }

        return invocation;
    }

    /// <summary>The option's value from the command line, else its environment variable, else <see langword="null"/>.</summary>
    public string? Get(CliOption option)
    {
        if (_values.TryGetValue(option, out var value))
        {
            return value;
        }

        if (option.Variable is not null && _environment.TryGetValue(option.Variable, out var fromEnvironment) && !string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        return null;
    }

    /// <summary>Whether a switch is on (command line, or its variable set to 1/true/yes/on).</summary>
    public bool IsSet(CliOption option)
    {
        var value = Get(option);
        return value is not null && (value == "true" || value == "1" ||
            value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("on", StringComparison.OrdinalIgnoreCase) ||
            value.Equals("true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An integer option within a range.</summary>
    public int? GetInt(CliOption option, int min, int max)
    {
        var value = Get(option);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw new UsageException($"{Describe(option)} must be a whole number from {min} to {max}, not '{value}'.");
        }

        return number;
    }

    /// <summary>"--x (or SF_X)" for messages.</summary>
    public static string Describe(CliOption option) =>
        option.Variable is null ? option.Name : $"{option.Name} (or {option.Variable})";
}
