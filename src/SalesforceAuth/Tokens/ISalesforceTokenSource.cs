
namespace SalesforceAuth.Tokens;

/// <summary>
/// Where the manager gets new tokens from on a cache miss: the connection's <see cref="SalesforceTokenClient"/> in
/// production (registered per connection name as a keyed service), fakes in tests. Every call is a real token
/// request; caching and single-flight live above this seam.
/// </summary>
internal interface ISalesforceTokenSource
{
    /// <summary>Requests a new token: one token endpoint request, nothing else awaited (see <see cref="RefineExpiryAsync"/>).</summary>
    /// <param name="request">Per-request overrides (another user, refresh or subject token), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with its <c>instance_url</c>.</returns>
    Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken);

    /// <summary>
    /// Learns the real expiry of a token the source issued (introspection), after the token was handed out. Failures
    /// are the source's to log; they answer <see langword="null"/>.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the work (the cache is shutting down).</param>
    /// <returns>The token with its learned expiry, or <see langword="null"/> when nothing was learned (the default).</returns>
    Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        Task.FromResult<SalesforceToken?>(null);
}
