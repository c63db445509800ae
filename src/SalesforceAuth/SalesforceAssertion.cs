namespace SalesforceAuth;

/// <summary>
/// A signed bearer assertion exactly as the token client would post it (JWT or SAML bearer flow), for diagnostics:
/// decode the JWT header and claims, or read the SAML XML. The assertion is a credential until it expires:
/// <see cref="ToString"/> never shows it; do not log <see cref="Value"/> or <see cref="Xml"/>.
/// </summary>
public sealed class SalesforceAssertion
{
    /// <summary>Creates an assertion.</summary>
    /// <param name="grantType">The <c>grant_type</c> it is posted with.</param>
    /// <param name="value">The <c>assertion</c> form value.</param>
    /// <param name="xml">The signed SAML XML, for the SAML bearer flow.</param>
    internal SalesforceAssertion(string grantType, string value, string? xml)
    {
        GrantType = grantType;
        Value = value;
        Xml = xml;
    }

    /// <summary>The <c>grant_type</c>: <c>urn:ietf:params:oauth:grant-type:jwt-bearer</c> or <c>urn:ietf:params:oauth:grant-type:saml2-bearer</c>.</summary>
    public string GrantType { get; }

    /// <summary>
    /// The <c>assertion</c> form value exactly as it would be posted: a compact JWS, or the base64url-encoded signed SAML
    /// assertion. A credential: never log it.
    /// </summary>
    public string Value { get; }

    /// <summary>The signed SAML assertion XML (the decoded <see cref="Value"/>) for the SAML bearer flow; otherwise <see langword="null"/>. A credential.</summary>
    public string? Xml { get; }

    /// <summary>When the assertion was issued (<c>iat</c>, <c>IssueInstant</c>), skew-compensated.</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>When the assertion expires (<c>exp</c>, <c>NotOnOrAfter</c>), skew-compensated.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The audience it carries, and in words the rule that chose it.</summary>
    public string? Audience { get; init; }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"SalesforceAssertion {{ GrantType = {GrantType}, Value = [redacted], Audience = {Audience}, IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}");
}
