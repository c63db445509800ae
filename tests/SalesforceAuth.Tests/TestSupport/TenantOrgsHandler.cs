using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>
/// Many orgs behind one in-memory handler, each on its own My Domain (<c>https://{org}.my.salesforce.com</c>): the token
/// endpoint issues <c>{host}!{n}</c> tokens with the org's own <c>instance_url</c>, the revoke endpoint records what
/// it revoked, and a REST call answers 200 only when its bearer token was issued by the host it was sent to (otherwise
/// it counts a cross-tenant token and answers 401).
/// </summary>
internal sealed class TenantOrgsHandler : HttpMessageHandler
{
    private int _issued;
    private int _crossTenant;

    public ConcurrentDictionary<string, int> TokenRequestsByHost { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentBag<string> Revoked { get; } = [];

    /// <summary>When set, every refresh token grant answers with a new refresh token <c>{host}-rt!{n}</c> (rotation).</summary>
    public bool RotateRefreshTokens { get; set; }

    public ConcurrentDictionary<string, int> ApiCallsByHost { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>REST calls whose token was issued by another host than the one they were sent to.</summary>
    public int CrossTenant => Volatile.Read(ref _crossTenant);

    public int TokenRequests(string org) => TokenRequestsByHost.GetValueOrDefault(Host(org));

    public static string Host(string org) => $"{org}.my.salesforce.com";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.Host;
        var path = request.RequestUri.AbsolutePath;
        if (path == "/services/oauth2/token")
        {
            TokenRequestsByHost.AddOrUpdate(host, 1, (_, n) => n + 1);
            var n = Interlocked.Increment(ref _issued);
            var rotated = RotateRefreshTokens && (await request.Content!.ReadAsStringAsync(cancellationToken)).Contains("grant_type=refresh_token", StringComparison.Ordinal)
                ? $",\"refresh_token\":\"{host}-rt!{n}\""
                : string.Empty;
            var body = $$"""{"access_token":"{{host}}!{{n}}","instance_url":"https://{{host}}","id":"https://login.salesforce.com/id/00Dxx0000000001EAA/005xx000001X8UzAAK","token_type":"Bearer","issued_at":"1763942400000","scope":"api" """;
            return Json(HttpStatusCode.OK, body.TrimEnd() + rotated + "}", request);
        }

        if (path == "/services/oauth2/revoke")
        {
            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            Revoked.Add(WebUtility.UrlDecode(form.Split('&').First(p => p.StartsWith("token=", StringComparison.Ordinal))["token=".Length..]));
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
        }

        var bearer = request.Headers.Authorization?.Parameter ?? string.Empty;
        if (!bearer.StartsWith(host + "!", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _crossTenant);
            return Json(HttpStatusCode.Unauthorized, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", request);
        }

        ApiCallsByHost.AddOrUpdate(host, 1, (_, n) => n + 1);
        return Json(HttpStatusCode.OK, $$"""{"host":"{{host}}"}""", request);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, HttpRequestMessage request) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request };
}
