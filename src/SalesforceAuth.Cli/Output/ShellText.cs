namespace SalesforceAuth.Cli.Output;

/// <summary>Values printed as POSIX shell words, for the <c>export SF_...=</c> lines a user pastes into a shell.</summary>
internal static class ShellText
{
    /// <summary>A value as a POSIX shell word: as is when it is plain, else single-quoted (a <c>$VAR</c> reference stays double-quoted).</summary>
    public static string Quote(string value) =>
        value.StartsWith('$') ? $"\"{value}\""
        : value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or ':' or '@') ? value
        : $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
