
namespace SalesforceAuth.Tokens.Grants;

/// <summary>What a grant needs to build one token endpoint request.</summary>
/// <param name="TokenEndpoint">The token endpoint (<c>{LoginUrl}/services/oauth2/token</c>); the SAML <c>Recipient</c>.</param>
/// <param name="Now">The current time, already corrected by <paramref name="AppliedSkew"/>: use it for <c>iat</c>/<c>exp</c>.</param>
/// <param name="AppliedSkew">The clock-skew compensation applied to <paramref name="Now"/> (server minus local), zero when none.</param>
/// <param name="Request">The per-request overrides, or <see langword="null"/>.</param>
internal sealed record TokenGrantContext(Uri TokenEndpoint, DateTimeOffset Now, TimeSpan AppliedSkew, SalesforceTokenRequest? Request);
