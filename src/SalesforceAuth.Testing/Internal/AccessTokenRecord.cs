namespace SalesforceAuth.Testing.Internal;

/// <summary>A session: bound to the org and the pod it was issued for (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5).</summary>
internal sealed class AccessTokenRecord(
    string token, FakeConnectedApp app, FakeUser user, string pod, string scope, string identityUrl, DateTimeOffset issuedAt, RefreshChain? chain)
{
    public string Token { get; } = token;

    public FakeConnectedApp App { get; } = app;

    public FakeUser User { get; } = user;

    public FakeOrg Org => User.Org;

    public string Pod { get; } = pod;

    public string Scope { get; } = scope;

    public string IdentityUrl { get; } = identityUrl;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    /// <summary>The session timeout counts inactivity, and API calls are activity (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm).</summary>
    public DateTimeOffset LastActivity { get; set; } = issuedAt;

    public bool Revoked { get; set; }

    public RefreshChain? Chain { get; } = chain;
}
