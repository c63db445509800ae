using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Explain;

/// <summary>Runs <c>explain</c>'s checks: decodes the assertion (JWT or SAML), checks it, and relates an error response
/// to what was found. Sends nothing.</summary>
internal static class Explainer
{
    public static ExplainResult Explain(string? assertion, string? response, ExplainContext context)
    {
        ExplainResult result;
        if (assertion is null)
        {
            result = new ExplainResult("response", [], []);
        }
        else
        {
            var value = assertion.Trim();
            if (JwtExplainer.LooksLikeJwt(value))
            {
                result = JwtExplainer.Explain(value, context);
            }
            else if (SamlExplainer.Decode(value) is var (xml, standardBase64))
            {
                result = SamlExplainer.Explain(xml, standardBase64, context);
            }
            else
            {
                result = new ExplainResult("unknown", [], [Finding.Error(
                    FindingCodes.Malformed,
                    "The value is neither a compact JWT (header.claims.signature) nor a SAML assertion (XML, base64url or base64 of it).",
                    "Pass the assertion exactly as posted in the assertion parameter (URL-decoded).")]);
            }
        }

        if (response is null)
        {
            return result;
        }

        var findings = result.Findings.ToList();
        var wire = new JsonObject();
        ResponseExplainer.Explain(response, result.Findings, wire, findings);
        var claims = (JsonObject)result.Claims.DeepClone();
        if (wire.Count > 0)
        {
            claims["response"] = wire;
        }

        return result with { Claims = claims, Findings = [.. findings.OrderByDescending(f => f.Severity)] };
    }
}
