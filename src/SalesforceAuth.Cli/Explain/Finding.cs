namespace SalesforceAuth.Cli.Explain;

/// <summary>One thing <c>sfauth explain</c> found: a stable <paramref name="Code"/> scripts can match, the actual values in
/// <paramref name="Detail"/>, and what to change in <paramref name="Remedy"/>.</summary>
internal sealed record Finding(string Code, FindingSeverity Severity, string Detail, string Remedy)
{
    public static Finding Error(string code, string detail, string remedy) => new(code, FindingSeverity.Error, detail, remedy);

    public static Finding Warn(string code, string detail, string remedy) => new(code, FindingSeverity.Warn, detail, remedy);

    public static Finding Info(string code, string detail, string remedy) => new(code, FindingSeverity.Info, detail, remedy);
}
