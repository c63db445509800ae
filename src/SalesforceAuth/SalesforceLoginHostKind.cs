namespace SalesforceAuth;

/// <summary>
/// What a login URL points at. Sources: Salesforce Help, "OAuth Endpoints and Authorization Servers"
/// (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5) and "My Domain URL
/// Formats" in "Review Recommended Practices for a My Domain Change"
/// (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5).
/// </summary>
public enum SalesforceLoginHostKind
{
    /// <summary>
    /// None of the shapes below: a custom domain without a path, a legacy pod host (<c>na9.salesforce.com</c>), a
    /// Lightning UI host (<c>acme.lightning.force.com</c>, not a login host), or a local emulator.
    /// </summary>
    Other = 0,

    /// <summary><c>login.salesforce.com</c>: the shared login service for production and Developer Edition orgs.</summary>
    Production,

    /// <summary><c>test.salesforce.com</c>: the shared login service for sandboxes.</summary>
    Sandbox,

    /// <summary>
    /// A production My Domain: <c>acme.my.salesforce.com</c>, including the partitioned forms of Developer Edition,
    /// demo and free orgs (<c>acme-dev-ed.develop.my.salesforce.com</c>).
    /// </summary>
    MyDomain,

    /// <summary>A sandbox My Domain with enhanced domains: <c>acme--uat.sandbox.my.salesforce.com</c>.</summary>
    SandboxMyDomain,

    /// <summary>A sandbox My Domain from before enhanced domains (enforced in Winter '24): <c>acme--uat.my.salesforce.com</c>.</summary>
    LegacySandboxMyDomain,

    /// <summary>
    /// An Experience Cloud site: <c>acme.my.site.com</c>, <c>acme--uat.sandbox.my.site.com</c>, a legacy
    /// <c>acme.force.com</c> site, or any login URL with a path prefix (<c>https://support.acme.com/customers</c>).
    /// </summary>
    ExperienceCloudSite,
}
