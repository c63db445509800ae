namespace SalesforceAuth;

/// <summary>
/// Per-request settings read by the Salesforce authentication handler, for services that act as several users through
/// one client: <c>request.SetSalesforceUsername("jane@acme.com")</c>.
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
}
