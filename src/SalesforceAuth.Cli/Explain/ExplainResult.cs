using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Explain;

/// <summary>What <c>explain</c> decoded and found.</summary>
/// <param name="Kind"><c>jwt</c>, <c>saml</c>, or <c>response</c> when only an error response was given.</param>
/// <param name="Claims">The decoded claims (for SAML, the fields Salesforce checks), never the signature.</param>
/// <param name="Findings">Errors first, then warnings, then information.</param>
internal sealed record ExplainResult(string Kind, JsonObject Claims, IReadOnlyList<Finding> Findings)
{
    /// <summary>The JWT header, for the human output; <see langword="null"/> for SAML.</summary>
    public JsonObject? Header { get; init; }

    public bool HasError => Findings.Any(f => f.Severity == FindingSeverity.Error);
}
