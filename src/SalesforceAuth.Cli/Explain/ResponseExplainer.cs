using System.Text.Json;
using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Explain;

/// <summary>
/// Reads a token endpoint error body (<c>{"error":"...","error_description":"...","error_uri":"..."}</c>) and relates it
/// to the assertion's findings: which of them Salesforce's answer points at.
/// </summary>
internal static class ResponseExplainer
{
    /// <summary>The assertion findings each documented or observed description can come from ("OAuth 2.0 Authorization
    /// Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).</summary>
    private static readonly Dictionary<string, string[]> Explains = new(StringComparer.OrdinalIgnoreCase)
    {
        ["expired authorization code"] =
        [
            FindingCodes.ExpInPast, FindingCodes.LifetimeTooShort, FindingCodes.LocalTimeAsUtc, FindingCodes.SamlNotOnOrAfterPast, FindingCodes.SamlNotBeforeFuture,
        ],
        ["audience is invalid"] = [FindingCodes.AudMismatch, FindingCodes.AudNotUrl],
        ["Audience validation failed"] = [FindingCodes.AudMismatch, FindingCodes.AudNotUrl, FindingCodes.SamlAudienceMismatch],
        ["invalid assertion"] =
        [
            FindingCodes.Malformed, FindingCodes.AlgNotRs256, FindingCodes.CertificateMismatch, FindingCodes.SignatureInvalid, FindingCodes.SamlUnsigned,
            FindingCodes.SamlRecipientMismatch, FindingCodes.SubSandboxSuffixOnProduction, FindingCodes.SubMismatch, FindingCodes.SamlNameIdMismatch,
            FindingCodes.SubMissing, FindingCodes.SamlStandardBase64,
        ],
        ["client identifier invalid"] = [FindingCodes.IssNotConsumerKey],
    };

    /// <summary>Copies the response's wire fields into <paramref name="response"/> and adds its finding.</summary>
    public static void Explain(string body, IReadOnlyList<Finding> assertionFindings, JsonObject response, List<Finding> findings)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var error = Text(parsed, "error");
        var description = Text(parsed, "error_description");
        var errorUri = Text(parsed, "error_uri");
        if (error is null)
        {
            var shape = parsed is JsonArray ? "a JSON array (a REST API error, not a token endpoint answer)"
                : parsed is null ? body.TrimStart().StartsWith('<') ? "HTML or XML (a maintenance page, a proxy, or a host that is not a Salesforce login host)" : "not JSON"
                : "JSON without a string \"error\"";
            findings.Add(Finding.Warn(
                FindingCodes.ResponseNotOAuthError,
                $"The response is {shape}.",
                "Pass the body of the token endpoint's 400 answer: {\"error\":\"...\",\"error_description\":\"...\"}. HTML usually means the login URL is wrong or Salesforce is in maintenance."));
            return;
        }

        response["error"] = error;
        response["error_description"] = description;
        if (errorUri is not null)
        {
            response["error_uri"] = errorUri;
        }

        var related = description is not null && Explains.TryGetValue(description, out var codes)
            ? assertionFindings.Where(f => f.Severity != FindingSeverity.Info && codes.Contains(f.Code)).Select(f => f.Code).Distinct().ToList()
            : [];
        var detail = $"Salesforce answered {error}{(description is null ? "" : $" / {description}")}.";
        var remedy = related.Count > 0
            ? $"Fix what the assertion findings {string.Join(", ", related)} say: they are what Salesforce refused."
            : "Run 'sfauth doctor' with the same settings to check the app, the user and the key step by step"
                + (errorUri is null ? "." : $"; the SAML Assertion Validator at {errorUri} shows why the last assertion failed.");
        findings.Add(Finding.Error(FindingCodes.ResponseError, detail, remedy));
    }

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
