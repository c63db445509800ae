namespace SalesforceAuth;

/// <summary>Per-request overrides of a connection's settings, for services that act as several users.</summary>
public sealed class SalesforceTokenRequest
{
    /// <summary>Act as this username instead of the configured <see cref="SalesforceClientOptions.Username"/> (JWT and SAML bearer).</summary>
    public string? Username { get; init; }

    /// <summary>Use this refresh token instead of the configured one (refresh flow). A secret.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Use this subject token instead of the configured one (token exchange). A secret.</summary>
    public string? SubjectToken { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"SalesforceTokenRequest {{ Username = {Username}, RefreshToken = {(RefreshToken is null ? "(none)" : "[redacted]")}, SubjectToken = {(SubjectToken is null ? "(none)" : "[redacted]")} }}";
}
