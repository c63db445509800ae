namespace SalesforceAuth.Tokens;

/// <summary>Adapts the public <see cref="SalesforceTokenClient"/> to the cache's token source seam.</summary>
internal sealed class TokenClientSource : ISalesforceTokenSource
{
    private readonly SalesforceTokenClient _client;

    /// <summary>Creates the adapter.</summary>
    /// <param name="client">The token endpoint client.</param>
    public TokenClientSource(SalesforceTokenClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <inheritdoc />
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken) =>
        _client.RequestTokenAsync(request, introspect: false, cancellationToken);

    /// <inheritdoc />
    public Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        _client.RefineExpiryAsync(token, cancellationToken);
}
