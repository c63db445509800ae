namespace SalesforceAuth;

/// <summary>
/// Per-request settings read by the Salesforce authentication handler, for services that act as several users through
/// one client: <c>request.SetSalesforceUsername("jane@acme.com")</c>, or as several orgs through one client:
/// <c>request.SetSalesforceConnection("tenant-42")</c>.
/// </summary>
public static class SalesforceRequestOptions
{
    /// <summary>
    /// Act as this Salesforce username for one request (JWT and SAML bearer flows) instead of the configured
    /// <see cref="SalesforceClientOptions.Username"/>. Each username has its own cached token.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> Username = new("SalesforceAuth.Username");

    /// <summary>Sets <see cref="Username"/> on a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="username">The Salesforce username to act as.</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage SetSalesforceUsername(this HttpRequestMessage request, string username)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(username);
        if (SalesforceUsername.GetProblem(username) is { } problem)
        {
            throw new ArgumentException("The username " + problem, nameof(username));
        }

        request.Options.Set(Username, username);
        return request;
    }

    /// <summary>
    /// Send one request as this connection instead of the client's own: a connection registered with
    /// <c>AddSalesforceClient(name)</c>, or one resolved at run time by the <see cref="ISalesforceConnectionResolver"/>
    /// (registered with <c>AddSalesforceConnections</c>). The request gets that connection's token and goes to its
    /// <c>instance_url</c>; it is renewed and refused as that connection's.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> Connection = new("SalesforceAuth.Connection");

    /// <summary>Sets <see cref="Connection"/> on a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="connectionId">The connection name or id (a tenant id).</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage SetSalesforceConnection(this HttpRequestMessage request, string connectionId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        request.Options.Set(Connection, connectionId);
        return request;
    }
}
