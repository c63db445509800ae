namespace SalesforceAuth.Testing;

/// <summary>An OAuth error as the token endpoint writes it: <c>{"error":"...","error_description":"..."}</c>.</summary>
/// <param name="Error">The <c>error</c> value, for example <c>invalid_grant</c>.</param>
/// <param name="Description">The <c>error_description</c> value.</param>
public sealed record FakeOAuthError(string Error, string Description);
