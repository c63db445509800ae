using System.Net;

namespace SalesforceAuth.Http;

/// <summary>
/// The exceptions the handler throws, in one place so the typed leaves (<c>SalesforceUntrustedInstanceException</c>,
/// <c>SalesforceSessionExpiredException</c>) can replace the base type here without touching the handler.
/// </summary>
internal static class HandlerErrors
{
    /// <summary>A request through a Salesforce client targets a host that is not the token's.</summary>
    /// <param name="target">The request target (only its scheme, host and port are reported).</param>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceUntrustedInstanceException UntrustedTarget(Uri target, SalesforceToken token) =>
        new($"Refused to send a request to {target.GetLeftPart(UriPartial.Authority)} through a Salesforce client: its token belongs to {token.InstanceUrl.GetLeftPart(UriPartial.Authority)}. Use a relative URI (\"/services/data/...\") so the request goes to the token's instance, or use another HttpClient for other hosts.")
        {
            Reason = SalesforceReason.UntrustedInstanceUrl,
            Flow = token.Flow,
            RefusedHost = target.IsAbsoluteUri ? target.Host : null,
            Diagnosis = new SalesforceDiagnosis(
                $"A request to {(target.IsAbsoluteUri ? target.Host : "a relative URL")} was refused: the client's token belongs to {token.InstanceUrl.Host}, and a Salesforce token is only sent to its own instance.",
                ["The request used an absolute URL to another host (a stale instance URL stored elsewhere, or another API) through the Salesforce client."],
                ["Use a relative URI such as \"/services/data/v62.0/sobjects/Account\": the handler sends it to the token's instance_url.", "Use a separate HttpClient for hosts that are not this org's."]),
        };

    /// <summary>The primary handler followed a redirect to another host (automatic redirects could not be turned off on it).</summary>
    /// <param name="answered">Where the answer came from (only its scheme, host and port are reported).</param>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceUntrustedInstanceException RedirectFollowed(Uri answered, SalesforceToken token) =>
        new($"The HTTP handler below the Salesforce handler followed a redirect from {token.InstanceUrl.GetLeftPart(UriPartial.Authority)} to {answered.GetLeftPart(UriPartial.Authority)}; its answer is refused. Salesforce's REST API does not redirect: turn automatic redirects off on the client's primary handler (AllowAutoRedirect = false).")
        {
            Reason = SalesforceReason.UntrustedInstanceUrl,
            Flow = token.Flow,
            RefusedHost = answered.Host,
        };

    /// <summary>The token's own instance URL is not HTTPS (and not an allowed loopback address).</summary>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceUntrustedInstanceException InsecureInstance(SalesforceToken token) =>
        new($"Refused to send a Salesforce token over {token.InstanceUrl.Scheme} to {token.InstanceUrl.GetLeftPart(UriPartial.Authority)}: tokens are only sent over HTTPS (plain HTTP only to loopback addresses with AllowInsecureLoopback).")
        {
            Reason = SalesforceReason.UntrustedInstanceUrl,
            Flow = token.Flow,
            RefusedHost = token.InstanceUrl.Host,
        };

    /// <summary>Salesforce rejected the session again right after a renewal.</summary>
    /// <param name="token">The renewed token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceSessionExpiredException SessionExpired(SalesforceToken token) =>
        new($"Salesforce answered 401 INVALID_SESSION_ID (Session expired or invalid) at {token.InstanceUrl.GetLeftPart(UriPartial.Authority)} even with a newly issued token. The token is probably used on the wrong org or pod, the org was refreshed or deleted, or sessions are revoked as soon as they are issued.")
        {
            Reason = SalesforceReason.SessionExpired,
            StatusCode = HttpStatusCode.Unauthorized,
            Flow = token.Flow,
            Diagnosis = new SalesforceDiagnosis(
                $"Salesforce refused a newly issued token at {token.InstanceUrl.Host} with 401 INVALID_SESSION_ID.",
                ["The token is used on another org's or pod's host than the one it was issued for.", "The org was refreshed (sandbox) or deleted, so the org id no longer matches.", "Sessions are revoked right after they are issued (an admin action, a session policy, or another process revoking tokens)."],
                ["Send requests with relative URIs so they go to the instance_url issued with the token.", "Check the org's Session Settings and the app's session policies.", "Run 'sfauth doctor' to check the token request and a call to /services/data/."],
                new Uri("https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm")),
        };
}
