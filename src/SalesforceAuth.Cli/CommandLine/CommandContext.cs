using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.CommandLine;

/// <summary>What a command's action works with: the parsed command line, its <c>SF_*</c> fallbacks, the console.</summary>
internal sealed class CommandContext
{
    public CommandContext(ParseResult parseResult, CliHost host)
    {
        ParseResult = parseResult;
        Host = host;
        Console = host.CreateConsole(parseResult.GetValue<bool>(SfauthCommand.JsonName));
    }

    public ParseResult ParseResult { get; }

    public CliHost Host { get; }

    public CliConsole Console { get; }

    /// <summary>The command's own option or argument.</summary>
    public T? GetValue<T>(Option<T> option) => ParseResult.GetValue(option);

    /// <inheritdoc cref="GetValue{T}(Option{T})"/>
    public T? GetValue<T>(Argument<T> argument) => ParseResult.GetValue(argument);

    /// <summary>The setting from the command line, else its environment variable, else <see langword="null"/>.</summary>
    public string? Get(SettingOption setting)
    {
        var result = ParseResult.GetResult(setting.Name) as OptionResult;
        if (result is { Implicit: false })
        {
            return setting.IsSwitch
                ? (ParseResult.GetValue<bool>(setting.Name) ? "true" : "false")
                : ParseResult.GetValue<string>(setting.Name);
        }

        return Host.GetVariable(setting.Variable);
    }

    /// <summary>Whether a switch is on (on the command line, or its variable set to 1/true/yes/on).</summary>
    public bool IsSet(SettingOption setting) => Get(setting) is { } value &&
        (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) ||
         value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("on", StringComparison.OrdinalIgnoreCase));

    /// <summary>An integer setting within a range.</summary>
    public int? GetInt(SettingOption setting, int min, int max)
    {
        var value = Get(setting);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw new UsageException($"{setting.Describe()} must be a whole number from {min} to {max}, not '{value}'.");
        }

        return number;
    }
}
