using System.Globalization;
using System.Text;

namespace SalesforceAuth;

/// <summary>
/// What went wrong, the likely causes in order of likelihood, and how to fix it: the explanation attached to every
/// <see cref="SalesforceAuthenticationException"/>. Built from evidence (the assertion that was sent, the server's
/// <c>Date</c> header, the configuration), never from secrets.
/// </summary>
public sealed class SalesforceDiagnosis
{
    /// <summary>Creates a diagnosis.</summary>
    /// <param name="summary">A one-line summary of what happened.</param>
    /// <param name="causes">Likely causes, most likely first.</param>
    /// <param name="remedies">Remediation steps, naming the exact Salesforce setting where there is one.</param>
    /// <param name="documentationUrl">A link to the relevant Salesforce documentation.</param>
    public SalesforceDiagnosis(string summary, IReadOnlyList<string>? causes = null, IReadOnlyList<string>? remedies = null, Uri? documentationUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(summary);
        Summary = summary;
        Causes = causes ?? [];
        Remedies = remedies ?? [];
        DocumentationUrl = documentationUrl;
    }

    /// <summary>A one-line summary of what happened.</summary>
    public string Summary { get; }

    /// <summary>Likely causes, most likely first.</summary>
    public IReadOnlyList<string> Causes { get; }

    /// <summary>Steps that fix it.</summary>
    public IReadOnlyList<string> Remedies { get; }

    /// <summary>Salesforce documentation for this error.</summary>
    public Uri? DocumentationUrl { get; }

    /// <summary>
    /// The measured offset of Salesforce's clock from the local clock (server minus local), from the <c>Date</c> header
    /// of the token endpoint's responses; positive when the local clock is behind.
    /// </summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>Evidence the diagnosis is based on (for example the assertion's <c>exp</c>, the server time, the audience rule), by name.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A multi-line, human-readable rendering of the diagnosis.</summary>
    /// <returns>The summary, causes, remedies, facts and documentation link.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(Summary);
        Append(sb, "Likely causes", Causes);
        Append(sb, "How to fix", Remedies);
        if (Facts.Count > 0)
        {
            sb.AppendLine().Append("Facts:");
            foreach (var (name, value) in Facts)
            {
                sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  {name}: {value}");
            }
        }

        if (DocumentationUrl is not null)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"See: {DocumentationUrl}");
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        sb.AppendLine().Append(title).Append(':');
        for (var i = 0; i < items.Count; i++)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  {i + 1}. {items[i]}");
        }
    }
}
