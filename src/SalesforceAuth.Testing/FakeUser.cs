namespace SalesforceAuth.Testing;

/// <summary>A user of a <see cref="FakeOrg"/>. Create one with <see cref="FakeOrg.AddUser"/>.</summary>
public sealed class FakeUser
{
    internal FakeUser(FakeOrg org, string username, string userId, bool active)
    {
        Org = org;
        Username = username;
        UserId = userId;
        IsActive = active;
    }

    /// <summary>The org the user belongs to.</summary>
    public FakeOrg Org { get; }

    /// <summary>The username (the JWT <c>sub</c> / SAML <c>NameID</c>), unique across the emulator, compared ignoring case.</summary>
    public string Username { get; }

    /// <summary>The 18-character user ID (<c>005...</c>).</summary>
    public string UserId { get; }

    /// <summary>Whether the user is active. A deactivated user gets <c>inactive user</c>. Can be changed at any time.</summary>
    public bool IsActive { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Username;
}
