using Grpc.Core;

namespace SalesforceAuth.Grpc;

/// <summary>
/// Per-call settings read by the Salesforce call credentials, for services that act as several users through one
/// client: <c>client.GetTopicAsync(request, new CallOptions().WithSalesforceUsername("jane@acme.com"))</c>.
/// </summary>
public static class SalesforceCallOptionsExtensions
{
    /// <summary>
    /// The metadata key that carries the username to the call credentials. It is removed before the call is sent, so
    /// Salesforce never sees it.
    /// </summary>
    public const string UsernameHeader = "salesforceauth-username";

    /// <summary>
    /// Act as this Salesforce username for one call (JWT and SAML bearer flows) instead of the connection's configured
    /// username. Each username has its own cached token, shared with the HTTP handler.
    /// </summary>
    /// <param name="options">The call options.</param>
    /// <param name="username">The Salesforce username to act as.</param>
    /// <returns>The options with the username added to a copy of their headers.</returns>
    public static CallOptions WithSalesforceUsername(this CallOptions options, string username)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var headers = new Metadata();
        if (options.Headers is { } existing)
        {
            foreach (var entry in existing)
            {
                if (!string.Equals(entry.Key, UsernameHeader, StringComparison.Ordinal))
                {
                    headers.Add(entry);
                }
            }
        }

        headers.Add(UsernameHeader, username);
        return options.WithHeaders(headers);
    }
}
