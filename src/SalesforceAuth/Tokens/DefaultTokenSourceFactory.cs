namespace SalesforceAuth.Tokens;

/// <summary>Creates token sources over the connection's one <see cref="SalesforceTokenClient"/>.</summary>
internal sealed class DefaultTokenSourceFactory : ISalesforceTokenSourceFactory
{
    /// <summary>The named back-channel client for the token endpoint (see <see cref="SalesforceTokenClientCache.BackchannelClientName"/>).</summary>
    public const string BackchannelClientName = SalesforceTokenClientCache.BackchannelClientName;

    private readonly SalesforceTokenClientCache _clients;

    /// <summary>Creates the factory.</summary>
    /// <param name="clients">The clients of the registered connections.</param>
    public DefaultTokenSourceFactory(SalesforceTokenClientCache clients) => _clients = clients;

    /// <inheritdoc />
    public ISalesforceTokenSource Create(string name, SalesforceClientOptions options) =>
        new TokenClientSource(_clients.GetOrCreate(name, options));
}
