using System.Text.RegularExpressions;

namespace SalesforceAuth.Cli.Output;

/// <summary>
/// Makes a server-provided string safe to print on a terminal. An <c>error_description</c>, a scope or an API body is
/// text an attacker-controlled or misbehaving server chooses; printed raw, escape sequences in it can clear the screen,
/// rewrite earlier lines (hiding a warning), retitle the window or, on some terminals, write to the clipboard.
/// </summary>
internal static partial class TerminalText
{
    /// <summary>
    /// Removes escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes) and every other C0 and C1
    /// control character except line feed and tab.
    /// </summary>
    public static string? Clean(string? text) =>
        text is null || !NeedsCleaning(text) ? text : Controls().Replace(Sequences().Replace(text, string.Empty), string.Empty);

    private static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
        {
            if (c is (< ' ' and not '\n' and not '\t') or (>= '\u007f' and <= '\u009f'))
            {
                return true;
            }
        }

        return false;
    }

    // ESC [ ... final byte (CSI); ESC ] ... BEL or ST (OSC); ESC P/X/^/_ ... ST (device control and friends, possibly
    // unterminated); ESC followed by one character (the rest); and the 8-bit CSI/OSC/DCS forms introduced by C1 codes.
    [GeneratedRegex(@"\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b\u009c]*(\u0007|\u001b\\|\u009c)?|\u001b[PX^_][^\u001b\u009c]*(\u001b\\|\u009c)?|\u001b.?|\u009b[0-?]*[ -/]*[@-~]?|[\u0090\u0098\u009d\u009e\u009f][^\u0007\u001b\u009c]*(\u0007|\u001b\\|\u009c)?", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Sequences();

    [GeneratedRegex(@"[\u0000-\u0008\u000b-\u001f\u007f-\u009f]", RegexOptions.CultureInvariant)]
    private static partial Regex Controls();
}
