namespace SalesforceAuth.Tokens;

/// <summary>
/// Creates the real token source on the first token request, so building an <see cref="HttpClient"/> never loads keys
/// or fails; a creation error (for example an unreadable key) surfaces from that request and is retried by the next.
/// </summary>
internal sealed class LazyTokenSource : ISalesforceTokenSource
{
    private readonly Lazy<ISalesforceTokenSource> _source;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="create">Creates the source.</param>
    public LazyTokenSource(Func<ISalesforceTokenSource> create) =>
        _source = new Lazy<ISalesforceTokenSource>(create, LazyThreadSafetyMode.PublicationOnly);

    /// <inheritdoc />
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken) =>
        _source.Value.RequestTokenAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken) =>
        _source.Value.RefineExpiryAsync(token, cancellationToken);
}
