using System.Net.Http.Headers;
using SalesforceAuth.Assertions;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tokens.Grants;

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

    /// <summary>Whether the request may be sent again after a transient failure (false for a rotating refresh, Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1).</summary>
    public bool IsRetryable { get; init; } = true;

    /// <summary>
    /// The request of a bearer assertion flow (JWT or SAML): <c>grant_type</c> and <c>assertion</c>, with what the
    /// assertion carried, its times in whole seconds as they were sent.
    /// </summary>
    /// <param name="grantType">The grant type URN.</param>
    /// <param name="assertion">The signed assertion (a secret: never logged).</param>
    /// <param name="parameters">What the assertion was built from.</param>
    /// <param name="audienceRule">Why that audience was chosen (for diagnoses).</param>
    /// <param name="context">The attempt (its applied clock-skew compensation).</param>
    /// <param name="key">The signing key (its certificate thumbprint).</param>
    /// <returns>The request.</returns>
    public static TokenGrantRequest ForAssertion(string grantType, string assertion, AssertionParameters parameters, string audienceRule, TokenGrantContext context, SalesforceSigningKey key) =>
        new([new("grant_type", grantType), new("assertion", assertion)])
        {
            Assertion = new AssertionFacts
            {
                Issuer = parameters.Issuer,
                Subject = parameters.Subject,
                Audience = parameters.Audience,
                AudienceRule = audienceRule,
                IssuedAt = DateTimeOffset.FromUnixTimeSeconds(parameters.IssuedAt.ToUnixTimeSeconds()),
                ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(parameters.ExpiresAt.ToUnixTimeSeconds()),
                AppliedSkewCompensation = context.AppliedSkew,
                CertificateThumbprint = key.CertificateThumbprint,
            },
        };

    /// <inheritdoc />
    public override string ToString() => $"TokenGrantRequest {{ Fields = {string.Join(", ", Form.Select(f => f.Key))}, Values = [redacted] }}";
}
