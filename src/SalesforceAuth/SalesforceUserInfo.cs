using System.Text.Json;

namespace SalesforceAuth;

/// <summary>
/// The OpenID Connect claims of <c>/services/oauth2/userinfo</c> for the user a token acts as (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5). The
/// common claims are typed; every claim, including Salesforce's <c>urls</c> and custom attributes, is in <see cref="Claims"/>.
/// </summary>
public sealed class SalesforceUserInfo
{
    /// <summary>Creates the user information.</summary>
    /// <param name="claims">The response body, a JSON object.</param>
    internal SalesforceUserInfo(JsonElement claims)
    {
        Claims = claims;
    }

    /// <summary>The subject (<c>sub</c>): the identity URL.</summary>
    public string? Subject { get; init; }

    /// <summary>The user id (<c>user_id</c>), <c>005...</c>.</summary>
    public string? UserId { get; init; }

    /// <summary>The organization id (<c>organization_id</c>), <c>00D...</c>.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>The Salesforce username (<c>preferred_username</c>).</summary>
    public string? PreferredUsername { get; init; }

    /// <summary>The display name (<c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The given name (<c>given_name</c>).</summary>
    public string? GivenName { get; init; }

    /// <summary>The family name (<c>family_name</c>).</summary>
    public string? FamilyName { get; init; }

    /// <summary>The email address (<c>email</c>).</summary>
    public string? Email { get; init; }

    /// <summary>Whether the email address is verified (<c>email_verified</c>).</summary>
    public bool? EmailVerified { get; init; }

    /// <summary>The locale (<c>locale</c>), for example <c>en_US</c>.</summary>
    public string? Locale { get; init; }

    /// <summary>The time zone (<c>zoneinfo</c>), for example <c>Europe/Paris</c>.</summary>
    public string? ZoneInfo { get; init; }

    /// <summary>The Salesforce user type (<c>user_type</c>), for example <c>STANDARD</c>.</summary>
    public string? UserType { get; init; }

    /// <summary>Whether the user is active (<c>active</c>).</summary>
    public bool? IsActive { get; init; }

    /// <summary>When the user was last modified (<c>updated_at</c>).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Salesforce's API URL templates (<c>urls</c>: <c>rest</c>, <c>sobjects</c>, <c>query</c>, ... with <c>{version}</c> placeholders).</summary>
    public IReadOnlyDictionary<string, string> Urls { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every claim as sent (a JSON object), for claims without a typed property.</summary>
    public JsonElement Claims { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"SalesforceUserInfo {{ PreferredUsername = {PreferredUsername}, UserId = {UserId}, OrganizationId = {OrganizationId} }}";
}
