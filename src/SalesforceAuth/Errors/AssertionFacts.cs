namespace SalesforceAuth.Errors;

/// <summary>
/// What the library put into the assertion it sent, kept for the diagnosis of a refusal. Holds no secret: the
/// signature and the assertion text are never kept.
/// </summary>
internal sealed record AssertionFacts
{
    /// <summary>The <c>iss</c> / SAML <c>Issuer</c> (the consumer key).</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>sub</c> / SAML <c>NameID</c> (the username).</summary>
    public required string Subject { get; init; }

    /// <summary>The audience sent.</summary>
    public required string Audience { get; init; }

    /// <summary>Which rule chose the audience, in words (for example "derived from LoginUrl test.salesforce.com").</summary>
    public required string AudienceRule { get; init; }

    /// <summary>The <c>iat</c> / <c>IssueInstant</c> sent (already skew-compensated).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The <c>exp</c> / <c>NotOnOrAfter</c> sent (already skew-compensated).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The skew compensation applied to the times (server minus local), zero when none.</summary>
    public TimeSpan AppliedSkewCompensation { get; init; }

    /// <summary>The SHA-1 thumbprint of the certificate matching the signing key, when known.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The configured assertion validity.</summary>
    public TimeSpan Lifetime => ExpiresAt - IssuedAt;
}
