namespace SalesforceAuth.Testing;

/// <summary>An org in the emulator: its IDs, its My Domain listener, the pod it lives on and its users.
/// Create one with <see cref="FakeSalesforce.AddOrg"/>.</summary>
public sealed class FakeOrg
{
    private readonly FakeSalesforce _owner;

    internal FakeOrg(FakeSalesforce owner, string name, string orgId, bool isSandbox, string pod)
    {
        _owner = owner;
        Name = name;
        OrgId = orgId;
        IsSandbox = isSandbox;
        Pod = pod;
    }

    /// <summary>The org's name (the My Domain name).</summary>
    public string Name { get; }

    /// <summary>The 18-character org ID (<c>00D...</c>); access tokens start with its first 15 characters and <c>!</c>.</summary>
    public string OrgId { get; }

    /// <summary>Whether the org is a sandbox: its users log in through <see cref="FakeSalesforce.SandboxLoginUrl"/>
    /// with audience <c>https://test.salesforce.com</c>.</summary>
    public bool IsSandbox { get; }

    /// <summary>
    /// The org's My Domain base URL (its own loopback port, listening from the first read on). Every flow works here;
    /// client credentials only here.
    /// </summary>
    public Uri MyDomainUrl => _owner.EnsureMyDomain(this);

    /// <summary>The name of the pod the org lives on now (see <see cref="FakeSalesforce.MoveOrg"/>).</summary>
    public string Pod { get; internal set; }

    /// <summary>The REST API base URL the next grant returns as <c>instance_url</c>: the org's pod.</summary>
    public Uri InstanceUrl => _owner.GetPodUrl(Pod);

    /// <summary>The org's users.</summary>
    public IReadOnlyList<FakeUser> Users => _owner.GetUsers(this);

    /// <summary>Adds a user to the org.</summary>
    /// <param name="username">A username unique across the emulator, for example <c>integration@acme.com</c>.</param>
    /// <param name="active">Whether the user is active.</param>
    /// <returns>The user.</returns>
    public FakeUser AddUser(string username, bool active = true) => _owner.AddUser(this, username, active);

    /// <summary>
    /// Adds an Experience Cloud site on a host of its own. The org's users log in there with the site URL as login URL
    /// and as the assertion audience (JWT and SAML bearer, refresh token); client credentials stay on My Domain.
    /// </summary>
    /// <param name="pathPrefix">The path prefix, for example <c>customers</c> (<c>https://acme.my.site.com/customers</c>), or empty.</param>
    /// <returns>The site.</returns>
    public FakeSite AddSite(string pathPrefix = "") => _owner.AddSite(this, pathPrefix);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
