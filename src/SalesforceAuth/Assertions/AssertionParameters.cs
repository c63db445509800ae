namespace SalesforceAuth.Assertions;

/// <summary>What goes into a JWT or SAML bearer assertion. Times are already skew-compensated.</summary>
/// <param name="Issuer">The consumer key (<c>iss</c>, SAML <c>Issuer</c>).</param>
/// <param name="Subject">The username (<c>sub</c>, SAML <c>NameID</c>).</param>
/// <param name="Audience">The audience (<c>aud</c>, SAML <c>Audience</c>): one string, no trailing slash.</param>
/// <param name="TokenEndpoint">The token endpoint URL (SAML <c>Recipient</c>).</param>
/// <param name="IssuedAt">The issue time (<c>iat</c>, <c>IssueInstant</c>, SAML <c>NotBefore</c>).</param>
/// <param name="ExpiresAt">The expiry (<c>exp</c>, SAML <c>NotOnOrAfter</c>).</param>
/// <param name="NameIdFormat">The SAML <c>NameID</c> format.</param>
internal sealed record AssertionParameters(
    string Issuer,
    string Subject,
    string Audience,
    Uri TokenEndpoint,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string NameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
