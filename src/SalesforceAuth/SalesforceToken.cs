using System.Globalization;
using System.Net.Http.Headers;

namespace SalesforceAuth;

/// <summary>
/// An access token issued by Salesforce, kept together with the <see cref="InstanceUrl"/> it belongs to.
/// A Salesforce token is only valid on its own org's hosts: sending it anywhere else fails with
/// <c>401 INVALID_SESSION_ID</c> or, worse, leaks it. <see cref="ToString"/> never shows the token.
/// </summary>
public sealed class SalesforceToken
{
    private AuthenticationHeaderValue? _header;

    /// <summary>Creates a token.</summary>
    /// <param name="accessToken">The access token (session id). Never logged.</param>
    /// <param name="instanceUrl">The <c>instance_url</c> returned with the token: the base URL for REST calls.</param>
    /// <exception cref="ArgumentException">The token is empty or the instance URL is not absolute.</exception>
    public SalesforceToken(string accessToken, Uri instanceUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        ArgumentNullException.ThrowIfNull(instanceUrl);
        if (!instanceUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The instance URL must be an absolute URI such as https://acme.my.salesforce.com.", nameof(instanceUrl));
        }

        AccessToken = accessToken;
        InstanceUrl = instanceUrl;
    }

    /// <summary>The access token. Treat as a secret: never log it.</summary>
    public string AccessToken { get; }

    /// <summary>The <c>instance_url</c>: the only base URL this token may be sent to (with <see cref="ApiInstanceUrl"/>).</summary>
    public Uri InstanceUrl { get; }

    /// <summary>The <c>api_instance_url</c> (for example <c>https://api.salesforce.com</c>), when Salesforce sent one.</summary>
    public Uri? ApiInstanceUrl { get; init; }

    /// <summary>The identity URL (<c>id</c>): <c>https://login.salesforce.com/id/&lt;orgId&gt;/&lt;userId&gt;</c>.</summary>
    public Uri? IdentityUrl { get; init; }

    /// <summary>The <c>token_type</c>, normally <c>Bearer</c>.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>The granted scopes, space separated, as sent.</summary>
    public string? Scope { get; init; }

    /// <summary>The <c>issued_at</c> time reported by Salesforce, when sent.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When this process received the token (by its <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset ObtainedAt { get; init; }

    /// <summary>
    /// When the token should be treated as expired: learned by introspection, or the configured session lifetime.
    /// Salesforce sends no <c>expires_in</c>, so this is an estimate; a <c>401 INVALID_SESSION_ID</c> is authoritative.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// Whether <see cref="ExpiresAt"/> was learned from Salesforce (introspection) rather than estimated from the
    /// configured session lifetime. Only a learned expiry stops the cache from serving the token; an estimate only
    /// schedules the background renewal (the session timeout is an inactivity timeout, Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm).
    /// </summary>
    internal bool HasKnownExpiry { get; init; }

    /// <summary>A new refresh token, sent only by the refresh flow when refresh token rotation is enabled. Never logged.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>The Experience Cloud site URL (<c>sfdc_community_url</c>), when the token was issued through a site.</summary>
    public Uri? CommunityUrl { get; init; }

    /// <summary>The Experience Cloud site id (<c>sfdc_community_id</c>), when sent.</summary>
    public string? CommunityId { get; init; }

    /// <summary>The flow that produced this token.</summary>
    public SalesforceFlow Flow { get; init; }

    /// <summary>The 18-character organization id from the identity URL, or the 15-character prefix of the token.</summary>
    public string? OrganizationId => IdentitySegment(1) ?? TokenOrgPrefix();

    /// <summary>The user id from the identity URL.</summary>
    public string? UserId => IdentitySegment(2);

    /// <summary>The <c>Authorization</c> header value for this token, created once.</summary>
    internal AuthenticationHeaderValue AuthorizationHeader =>
        _header ??= new AuthenticationHeaderValue("Bearer", AccessToken);

    /// <summary>Whether the token is past <see cref="ExpiresAt"/> at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when an expiry is known and has passed.</returns>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && now >= expires;

    /// <summary>A description with the token redacted, safe to log.</summary>
    /// <returns>The instance URL, flow, scope and times; never the token.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"SalesforceToken {{ AccessToken = [redacted], InstanceUrl = {InstanceUrl}, Flow = {Flow}, Scope = {Scope}, IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}");

    private string? IdentitySegment(int index)
    {
        if (IdentityUrl is null)
        {
            return null;
        }

        var segments = IdentityUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > index && segments[0] == "id" ? segments[index] : null;
    }

    private string? TokenOrgPrefix()
    {
        var bang = AccessToken.IndexOf('!', StringComparison.Ordinal);
        return bang == 15 && AccessToken.StartsWith("00D", StringComparison.Ordinal) ? AccessToken[..15] : null;
    }
}
