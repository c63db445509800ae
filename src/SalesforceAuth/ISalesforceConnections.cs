namespace SalesforceAuth;

/// <summary>
/// The connections resolved at run time (see <see cref="ISalesforceConnectionResolver"/>): tokens by connection id, and
/// the lifecycle of a connection while the service runs. Registered by <c>services.AddSalesforceConnections(...)</c>.
/// Connections configured with <c>AddSalesforceClient(name)</c> are reachable by their name too, but are never
/// reloaded, removed or trimmed.
/// </summary>
public interface ISalesforceConnections
{
    /// <summary>The number of resolved connections held in memory (configured connections not counted).</summary>
    int Count { get; }

    /// <summary>Gets a token of a connection, resolving the connection first if it is not held.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="request">Per-request overrides (a user to act as), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The token.</returns>
    /// <exception cref="SalesforceConfigurationException">The resolver knows no such connection, or its settings are invalid.</exception>
    /// <exception cref="SalesforceAuthenticationException">Salesforce refused, or could not be reached.</exception>
    ValueTask<SalesforceToken> GetTokenAsync(string connectionId, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets a connection's settings, tokens and signing key: the next call resolves it again (after its key was
    /// rotated, its refresh token replaced or its org moved to another My Domain). Calls already waiting for a token
    /// of the connection complete with the old settings; other connections are not touched.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <returns><see langword="true"/> when the connection was held.</returns>
    bool Reload(string connectionId);

    /// <summary>
    /// Removes a connection: its settings, cached tokens and signing key are dropped, and with
    /// <paramref name="revokeTokens"/> its cached access tokens (and, for the refresh token flow, its refresh token) are
    /// revoked at Salesforce first. The resolver is asked again if the id is used later.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="revokeTokens">Whether to revoke the connection's tokens at Salesforce.</param>
    /// <param name="cancellationToken">Cancels the revocation.</param>
    /// <returns><see langword="true"/> when the connection was held.</returns>
    /// <exception cref="SalesforceAuthenticationException">A revocation failed (the connection is removed nevertheless).</exception>
    Task<bool> RemoveAsync(string connectionId, bool revokeTokens = false, CancellationToken cancellationToken = default);
}
