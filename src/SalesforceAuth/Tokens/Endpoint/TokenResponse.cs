
namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>The fields of a successful token response (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5), as sent. Holds secrets: never log it.</summary>
internal sealed class TokenResponse
{
    /// <summary><c>access_token</c>.</summary>
    public required string AccessToken { get; init; }

    /// <summary><c>instance_url</c>.</summary>
    public string? InstanceUrl { get; init; }

    /// <summary><c>id</c> (identity URL).</summary>
    public string? Id { get; init; }

    /// <summary><c>token_type</c>.</summary>
    public string? TokenType { get; init; }

    /// <summary><c>scope</c>.</summary>
    public string? Scope { get; init; }

    /// <summary><c>issued_at</c> exactly as sent (string content or number text): the input of the signature.</summary>
    public string? IssuedAtRaw { get; init; }

    /// <summary><c>issued_at</c> as a time (values above 10^11 are milliseconds, smaller ones seconds).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary><c>signature</c>.</summary>
    public string? Signature { get; init; }

    /// <summary><c>api_instance_url</c>.</summary>
    public string? ApiInstanceUrl { get; init; }

    /// <summary><c>sfdc_community_url</c>.</summary>
    public string? CommunityUrl { get; init; }

    /// <summary><c>sfdc_community_id</c>.</summary>
    public string? CommunityId { get; init; }

    /// <summary><c>refresh_token</c> (refresh flow with rotation only).</summary>
    public string? RefreshToken { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"TokenResponse {{ AccessToken = [redacted], InstanceUrl = {InstanceUrl}, Scope = {Scope} }}";
}
