using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Output;

/// <summary>
/// Where the tool writes: JSON on stdout with <c>--json</c>; otherwise text for people, aligned, coloured only when
/// stdout is a terminal and <c>NO_COLOR</c> is unset, with a spinner on slow steps only on a terminal.
/// </summary>
internal sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,

        // Output for scripts and people: keep '+', '<', '&' readable (nothing here is embedded in HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public CliConsole(TextWriter stdout, TextWriter stderr, bool json, bool isTerminal, bool noColor, TimeProvider timeProvider, bool spinner = false)
    {
        Out = stdout;
        Error = stderr;
        Json = json;
        Interactive = isTerminal && !json && spinner;
        Color = isTerminal && !json && !noColor;
        TimeProvider = timeProvider;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    /// <summary>A person is watching a terminal (stdout and stderr): spinners are allowed.</summary>
    public bool Interactive { get; }

    public bool Color { get; }

    public TimeProvider TimeProvider { get; }

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(JsonOptions));

    public string Green(string text) => Paint(text, "32");

    public string Yellow(string text) => Paint(text, "33");

    public string Red(string text) => Paint(text, "31");

    public string Bold(string text) => Paint(text, "1");

    public string Dim(string text) => Paint(text, "2");

    /// <summary>Writes label/value pairs with the values aligned in one column.</summary>
    public void WriteFields(IEnumerable<(string Label, string? Value)> fields, string indent = "  ")
    {
        var list = fields.Where(f => f.Value is not null).ToList();
        var width = list.Count == 0 ? 0 : list.Max(f => f.Label.Length);
        foreach (var (label, value) in list)
        {
            Out.WriteLine($"{indent}{Dim(label.PadRight(width))}  {value}");
        }
    }

    /// <summary>Shows a spinner on stderr while a slow step runs, only on a terminal; a no-op otherwise.</summary>
    public Spinner StartSpinner(string text) => new(Interactive ? Error : null, text, TimeProvider);

    private string Paint(string text, string code) => Color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
