namespace SalesforceAuth;

/// <summary>The settings of a connection resolved at run time (see <see cref="ISalesforceConnectionResolver"/>).</summary>
public sealed class SalesforceConnectionSettings
{
    /// <summary>Creates the settings.</summary>
    /// <param name="options">
    /// The connection's settings, validated like those of a connection configured at startup. They are read when the
    /// connection is resolved and must not be changed afterwards: call <see cref="ISalesforceConnections.Reload"/> instead.
    /// </param>
    /// <param name="refreshTokenStore">
    /// Where the refresh flow reads the org's current refresh token and saves rotated ones, or <see langword="null"/> to
    /// keep it in memory, seeded from <see cref="SalesforceClientOptions.RefreshToken"/> (a rotated token is then lost
    /// when the connection is trimmed).
    /// </param>
    public SalesforceConnectionSettings(SalesforceClientOptions options, ISalesforceRefreshTokenStore? refreshTokenStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        RefreshTokenStore = refreshTokenStore;
    }

    /// <summary>The connection's settings.</summary>
    public SalesforceClientOptions Options { get; }

    /// <summary>The refresh token store, or <see langword="null"/>.</summary>
    public ISalesforceRefreshTokenStore? RefreshTokenStore { get; }
}
