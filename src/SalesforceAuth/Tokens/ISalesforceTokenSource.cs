
namespace SalesforceAuth.Tokens;

/// <summary>
/// Where the manager gets new tokens from on a cache miss: the connection's <see cref="SalesforceTokenClient"/> in
/// production (registered per connection name as a keyed service), fakes in tests. Every call is a real token
/// request; caching and single-flight live above this seam.
/// </summary>
internal interface ISalesforceTokenSource
{
    /// <summary>Requests a new token.</summary>
    /// <param name="request">Per-request overrides (another user, refresh or subject token), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with its <c>instance_url</c>.</returns>
    Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken);
}
