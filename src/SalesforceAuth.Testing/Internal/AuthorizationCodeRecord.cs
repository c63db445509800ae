namespace SalesforceAuth.Testing.Internal;

/// <summary>An authorization code the authorize endpoint issued: single use, bound to the app, the host, the
/// <c>redirect_uri</c> and the PKCE challenge of the request that obtained it.</summary>
internal sealed record AuthorizationCodeRecord(
    string Code, Listener Listener, FakeConnectedApp App, FakeUser User, string RedirectUri, string Scope, string? CodeChallenge, DateTimeOffset IssuedAt)
{
    public bool Used { get; set; }
}
