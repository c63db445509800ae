using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.CommandLine;

/// <summary>Where one run of the tool reads and writes: the streams, the environment, the clock, the terminal.</summary>
/// <param name="Input">stdin (tokens read with <c>-</c>).</param>
/// <param name="Out">stdout: results, JSON, help.</param>
/// <param name="Error">stderr: human error reports, the spinner.</param>
/// <param name="Environment">The process environment (the <c>SF_*</c> settings, <c>NO_COLOR</c>).</param>
/// <param name="IsTerminal">Whether stdout is a terminal (colour).</param>
/// <param name="TimeProvider">The clock.</param>
/// <param name="Spinner">Whether a spinner may be drawn on stderr.</param>
internal sealed record CliHost(TextReader Input, TextWriter Out, TextWriter Error, IDictionary<string, string?> Environment, bool IsTerminal, TimeProvider TimeProvider, bool Spinner)
{
    /// <summary>A non-empty environment variable, or <see langword="null"/>.</summary>
    public string? GetVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public CliConsole CreateConsole(bool json) =>
        new(Out, Error, json, IsTerminal, noColor: GetVariable("NO_COLOR") is not null, TimeProvider, Spinner);
}
