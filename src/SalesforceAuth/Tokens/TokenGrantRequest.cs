using System.Net.Http.Headers;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tokens;

/// <summary>The form fields of one token endpoint request, and what the assertion carried (for diagnoses).</summary>
internal sealed class TokenGrantRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="form">The form fields, in order (grant_type first). Values may be secrets: never log them.</param>
    public TokenGrantRequest(IReadOnlyList<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        Form = form;
    }

    /// <summary>The form fields. Values may be secrets (assertion, client secret, refresh token): never log them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Form { get; }

    /// <summary>What the assertion carried, for assertion flows (JWT, SAML); enables the fresh-assertion retry.</summary>
    public AssertionFacts? Assertion { get; init; }

    /// <summary>An <c>Authorization</c> header (HTTP Basic client authentication), when the grant uses one.</summary>
    public AuthenticationHeaderValue? Authorization { get; init; }

    /// <summary>Whether the request may be sent again after a transient failure (false for a rotating refresh, §5.3).</summary>
    public bool IsRetryable { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => $"TokenGrantRequest {{ Fields = {string.Join(", ", Form.Select(f => f.Key))}, Values = [redacted] }}";
}
