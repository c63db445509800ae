namespace SalesforceAuth;

/// <summary>
/// Shape rules for consumer keys (OAuth <c>client_id</c>, JWT <c>iss</c>). Not a secret. The keys Salesforce generates
/// start with <c>3MVG</c> and hold about 85 characters of <c>[A-Za-z0-9._]</c>, as in the JWT sample of Salesforce
/// Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"
/// (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).
/// </summary>
public static class SalesforceConsumerKey
{
    /// <summary>
    /// Whether <paramref name="clientId"/> has the shape of a generated consumer key. A heuristic for diagnosis: a key
    /// of another shape is sent as configured, never refused.
    /// </summary>
    /// <param name="clientId">The configured consumer key.</param>
    /// <returns><see langword="true"/> for <c>3MVG</c> followed by 66 to 96 characters of <c>[A-Za-z0-9._]</c>.</returns>
    public static bool IsWellFormed(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return clientId.StartsWith("3MVG", StringComparison.Ordinal)
            && clientId.Length is >= 70 and <= 100
            && clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_');
    }
}
