namespace SalesforceAuth.Tokens;

/// <summary>Creates the token source of a named connection (a seam so tests can replace the token endpoint).</summary>
internal interface ISalesforceTokenSourceFactory
{
    /// <summary>Creates the token source for a connection.</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="options">The connection's validated settings.</param>
    /// <returns>The source.</returns>
    ISalesforceTokenSource Create(string name, SalesforceClientOptions options);
}
