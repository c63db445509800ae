namespace SalesforceAuth.Testing;

/// <summary>A connected app's refresh token policy (metadata <c>refreshTokenPolicy</c>, Metadata API Developer Guide "ConnectedApp", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_connectedapp.htm), measured
/// against the emulator's clock.</summary>
public sealed class FakeRefreshTokenPolicy
{
    private FakeRefreshTokenPolicy(string name, TimeSpan? lifetime, TimeSpan? inactivity)
    {
        Name = name;
        Lifetime = lifetime;
        Inactivity = inactivity;
    }

    /// <summary>"Refresh token is valid until revoked" (<c>infinite</c>, the default).</summary>
    public static FakeRefreshTokenPolicy Infinite { get; } = new("infinite", null, null);

    /// <summary>"Immediately expire refresh token" (<c>zero</c>): every refresh answers <c>expired access/refresh token</c>.</summary>
    public static FakeRefreshTokenPolicy Zero { get; } = new("zero", TimeSpan.Zero, null);

    /// <summary>The policy name, for example <c>infinite</c> or <c>specific_lifetime</c>.</summary>
    public string Name { get; }

    /// <summary>How long after the approval a refresh token stays usable, or <see langword="null"/>.</summary>
    public TimeSpan? Lifetime { get; }

    /// <summary>How long a refresh token may stay unused, or <see langword="null"/>.</summary>
    public TimeSpan? Inactivity { get; }

    /// <summary>"Expire refresh token after N" (<c>specific_lifetime</c>), counted from the interactive approval.</summary>
    /// <param name="lifetime">The lifetime; must be positive.</param>
    /// <returns>The policy.</returns>
    public static FakeRefreshTokenPolicy ExpireAfter(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return new("specific_lifetime", lifetime, null);
    }

    /// <summary>"Expire refresh token if not used for N" (<c>specific_inactivity</c>).</summary>
    /// <param name="inactivity">The allowed idle time; must be positive.</param>
    /// <returns>The policy.</returns>
    public static FakeRefreshTokenPolicy ExpireIfUnusedFor(TimeSpan inactivity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(inactivity, TimeSpan.Zero);
        return new("specific_inactivity", null, inactivity);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
