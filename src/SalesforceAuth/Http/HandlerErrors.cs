using System.Net;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Http;

/// <summary>
/// What the handler refuses, said for this request and explained by the catalogue's <c>handler.*</c> rows (through
/// <see cref="SalesforceErrorMapper.MapClientError"/>, like every other error).
/// </summary>
internal static class HandlerErrors
{
    /// <summary>A request through a Salesforce client targets a host that is not the token's.</summary>
    /// <param name="target">The request target (only its scheme, host and port are reported).</param>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceAuthenticationException UntrustedTarget(Uri target, SalesforceToken token) =>
        Map("handler.untrusted_target", $"Refused to send a request to {target.GetLeftPart(UriPartial.Authority)} through a Salesforce client: its token belongs to {token.InstanceUrl.GetLeftPart(UriPartial.Authority)}. Use a relative URI (\"/services/data/...\") so the request goes to the token's instance, or use another HttpClient for other hosts.", token, target, null);

    /// <summary>The primary handler followed a redirect to another host (automatic redirects could not be turned off on it).</summary>
    /// <param name="answered">Where the answer came from (only its scheme, host and port are reported).</param>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceAuthenticationException RedirectFollowed(Uri answered, SalesforceToken token) =>
        Map("handler.redirect_followed", $"The HTTP handler below the Salesforce handler followed a redirect from {token.InstanceUrl.GetLeftPart(UriPartial.Authority)} to {answered.GetLeftPart(UriPartial.Authority)}; its answer is refused. Salesforce's REST API does not redirect: turn automatic redirects off on the client's primary handler (AllowAutoRedirect = false).", token, answered, null);

    /// <summary>The token's own instance URL is not HTTPS (and not an allowed loopback address).</summary>
    /// <param name="token">The token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceAuthenticationException InsecureInstance(SalesforceToken token) =>
        Map("handler.insecure_instance", $"Refused to send a Salesforce token over {token.InstanceUrl.Scheme} to {token.InstanceUrl.GetLeftPart(UriPartial.Authority)}: tokens are only sent over HTTPS (plain HTTP only to loopback addresses with AllowInsecureLoopback).", token, token.InstanceUrl, null);

    /// <summary>Salesforce rejected the session again right after a renewal.</summary>
    /// <param name="token">The renewed token.</param>
    /// <returns>The exception.</returns>
    public static SalesforceAuthenticationException SessionExpired(SalesforceToken token) =>
        Map("handler.session_refused_after_renewal", $"Salesforce answered 401 INVALID_SESSION_ID (Session expired or invalid) at {token.InstanceUrl.GetLeftPart(UriPartial.Authority)} even with a newly issued token. The token is probably used on the wrong org or pod, the org was refreshed or deleted, or sessions are revoked as soon as they are issued.", token, null, HttpStatusCode.Unauthorized);

    private static SalesforceAuthenticationException Map(string rowId, string summary, SalesforceToken token, Uri? refused, HttpStatusCode? status) =>
        SalesforceErrorMapper.MapClientError(new ClientErrorContext
        {
            RowId = rowId,
            Summary = summary,
            Flow = token.Flow,
            StatusCode = status,
            RefusedUrl = refused,
            Facts = new Dictionary<string, string>(StringComparer.Ordinal) { [SalesforceDiagnosisFacts.InstanceHost] = token.InstanceUrl.Host },
        });
}
