using System.Net;
using System.Text;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// An in-memory identity provider for the peers (Google, MSAL): serves OpenID/instance discovery documents to GETs and
/// a token to POSTs, and counts the token requests so a benchmark can prove it measured a cache hit.
/// </summary>
/// <param name="tokenJson">The token response; the default is an OAuth 2.0 response with <c>expires_in</c>.</param>
public sealed class InMemoryTokenEndpoint(string? tokenJson = null) : HttpMessageHandler
{
    /// <summary>A Salesforce token response (no <c>expires_in</c>, an <c>instance_url</c>) for our own provider.</summary>
    public const string SalesforceTokenJson = """{"access_token":"00Dxx0000000001!AQ4AQBenchmarkAccessTokenNotASecret","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00Dxx0000000001EAA/005xx000001X8UzAAK","token_type":"Bearer","issued_at":"1763942400000","scope":"api"}""";

    private int _tokenRequests;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        string json;
        if (request.Method == HttpMethod.Post)
        {
            Interlocked.Increment(ref _tokenRequests);
            json = tokenJson ?? """{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"ya29.benchmark-access-token-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"}""";
        }
        else if (path.Contains("discovery/instance", StringComparison.OrdinalIgnoreCase))
        {
            json = """{"tenant_discovery_endpoint":"https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration","api-version":"1.1","metadata":[{"preferred_network":"login.microsoftonline.com","preferred_cache":"login.windows.net","aliases":["login.microsoftonline.com","login.windows.net"]}]}""";
        }
        else
        {
            json = """{"token_endpoint":"https://login.microsoftonline.com/tenant/oauth2/v2.0/token","authorization_endpoint":"https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize","issuer":"https://login.microsoftonline.com/tenant/v2.0"}""";
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        });
    }
}
