namespace SalesforceAuth;

/// <summary>
/// Where the refresh flow keeps the current refresh token of a connection. With refresh token rotation every refresh
/// returns a new refresh token and invalidates the old one, and presenting an old one again revokes the whole chain
/// (Salesforce Help, Knowledge Article 005316711, https://help.salesforce.com/s/articleView?id=005316711&amp;type=1): the
/// token client saves the new one here, and waits for the save, before it hands out the new access token. Implement it
/// over a durable, shared store (a database, a secret store) when several processes refresh the same token; the default
/// keeps it in memory, seeded from <see cref="SalesforceClientOptions.RefreshToken"/>.
/// </summary>
public interface ISalesforceRefreshTokenStore
{
    /// <summary>Reads the current refresh token.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The refresh token, or <see langword="null"/> to use <see cref="SalesforceClientOptions.RefreshToken"/>.</returns>
    Task<string?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Durably saves a rotated refresh token. Complete only once it is stored: the new access token is handed out
    /// after this completes, and a failure fails the token request (the new refresh token is then kept in memory and
    /// the save is tried again by the next token request, before any new refresh). A token client calls this once at a
    /// time and in rotation order, and refreshes again only after the save completed. After a failure the same save is
    /// repeated, so saving the token the store already holds must succeed (the earlier attempt may have landed).
    /// </summary>
    /// <param name="refreshToken">The new refresh token. A secret.</param>
    /// <param name="previousRefreshToken">The refresh token it replaces (for a compare-and-swap), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>A task that completes when the token is stored.</returns>
    Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default);
}
