namespace SalesforceAuth;

/// <summary>
/// Cached Salesforce tokens of the connections registered with <c>AddSalesforceClient</c>, for code that calls
/// Salesforce without the HTTP handler (for example a SOAP or Bulk client). One token request per connection and
/// principal at a time; tokens are renewed in the background before they go stale.
/// </summary>
public interface ISalesforceTokenProvider
{
    /// <summary>Gets a token: cached when possible, otherwise from the token endpoint.</summary>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <param name="request">Per-request overrides (another username), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting; a token request shared with other callers continues.</param>
    /// <returns>The token with its <c>instance_url</c>; send it only there.</returns>
    /// <exception cref="SalesforceAuthenticationException">No token could be obtained; the exception says why.</exception>
    ValueTask<SalesforceToken> GetTokenAsync(string clientName, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a token Salesforce rejected (a <c>401 INVALID_SESSION_ID</c>, a Pub/Sub <c>UNAUTHENTICATED</c>) and
    /// returns the replacement: when <paramref name="rejectedToken"/> is still the cached token it is evicted (from the
    /// distributed cache too) and a new one is requested; when another caller replaced it already, that replacement is
    /// returned without a request. So any number of callers refused with the same token make one token request. Counted
    /// in <see cref="SalesforceTelemetry.SessionRenewals"/>.
    /// </summary>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <param name="rejectedToken">The token Salesforce rejected (as returned by <see cref="GetTokenAsync"/>).</param>
    /// <param name="request">The overrides the token was obtained with, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting; a token request shared with other callers continues.</param>
    /// <returns>The new token with its <c>instance_url</c> (which may differ from the rejected one's); send it only there.</returns>
    /// <exception cref="SalesforceAuthenticationException">No token could be obtained; the exception says why.</exception>
    ValueTask<SalesforceToken> RenewTokenAsync(string clientName, SalesforceToken rejectedToken, SalesforceTokenRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The API request usage of the connection's org as its latest REST response through the handler reported it
    /// (<c>Sforce-Limit-Info</c>); also the gauges <see cref="SalesforceTelemetry.ApiUsage"/> and <see cref="SalesforceTelemetry.ApiLimit"/>.
    /// </summary>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <returns>The last figure, or <see langword="null"/> before the first response that carried one.</returns>
    /// <exception cref="InvalidOperationException">No connection has that name.</exception>
    SalesforceApiUsage? GetApiUsage(string clientName);

    /// <summary>Evicts <paramref name="token"/> if it is still the cached token (a newer one is kept).</summary>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <param name="token">The token Salesforce rejected.</param>
    /// <param name="request">The overrides the token was obtained with, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the token was evicted.</returns>
    bool InvalidateToken(string clientName, SalesforceToken token, SalesforceTokenRequest? request = null);

    /// <summary>
    /// Gets the connection's uncached token client, for the token lifecycle (<see cref="SalesforceTokenClient.IntrospectAsync"/>,
    /// <see cref="SalesforceTokenClient.RevokeAsync"/>, <see cref="SalesforceTokenClient.GetUserInfoAsync"/>,
    /// <see cref="SalesforceTokenClient.CreateAssertion"/>). It is the client the cache uses, so refreshes share its
    /// single-flight and rotation handling; get tokens through <see cref="GetTokenAsync"/> to use the cache.
    /// </summary>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="InvalidOperationException">No connection has that name.</exception>
    /// <exception cref="SalesforceConfigurationException">The connection's settings are unusable (for example the key cannot be loaded).</exception>
    SalesforceTokenClient GetTokenClient(string clientName);
}
