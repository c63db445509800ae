using System.Net;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// Redirects of the OAuth endpoints: followed by re-POSTing the same body, to trusted hosts only, at most
/// <see cref="MaxRedirects"/> times; an answer the <see cref="HttpClient"/> fetched from an untrusted host after
/// following a redirect itself is refused.
/// </summary>
internal sealed class TokenEndpointRedirects
{
    /// <summary>How many redirects one post follows.</summary>
    public const int MaxRedirects = 2;

    private readonly SalesforceClientOptions _options;
    private readonly TokenEndpointErrors _errors;
    private readonly ILogger _logger;

    /// <summary>Creates the redirect rules of one connection.</summary>
    /// <param name="options">The validated settings (trusted domains).</param>
    /// <param name="errors">The endpoints' errors.</param>
    /// <param name="logger">The logger.</param>
    public TokenEndpointRedirects(SalesforceClientOptions options, TokenEndpointErrors errors, ILogger logger)
    {
        _options = options;
        _errors = errors;
        _logger = logger;
    }

    /// <summary>Whether a status is a redirect this client follows.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for 301, 302, 307 and 308.</returns>
    public static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>
    /// Refuses an answer from an untrusted host that the <see cref="HttpClient"/> reached by following a redirect itself
    /// (automatic redirects on): the body may already have gone there, so at least the answer is not used.
    /// </summary>
    /// <param name="response">The answer.</param>
    /// <param name="target">Where the request was sent.</param>
    /// <param name="assertion">What the assertion carried, if any.</param>
    /// <param name="localTime">The arrival time.</param>
    public void RefuseUntrustedAnswer(HttpResponseMessage response, Uri target, AssertionFacts? assertion, DateTimeOffset localTime)
    {
        if (response.RequestMessage?.RequestUri is not { } answered || answered == target)
        {
            return;
        }

        var problem = SalesforceLoginHost.GetTrustProblem(answered, _options);
        if (problem is null)
        {
            return;
        }

        Log.TokenRedirectRefused(_logger, target.Authority, answered.GetLeftPart(UriPartial.Authority), problem);
        throw _errors.Client(
            ErrorCatalog.UntrustedInstanceRow,
            $"The HttpClient followed a redirect from {target.Authority} to {answered.GetLeftPart(UriPartial.Authority)}, which is refused because {problem}. Turn automatic redirects off on the token endpoint's HttpClient (SocketsHttpHandler.AllowAutoRedirect = false).",
            response.StatusCode,
            localTime,
            null,
            assertion,
            answered);
    }

    /// <summary>The trusted target of a redirect answer, or the typed error.</summary>
    /// <param name="response">The redirect answer.</param>
    /// <param name="current">The URL that redirected.</param>
    /// <param name="redirects">How many redirects were already followed.</param>
    /// <param name="assertion">What the assertion carried, if any.</param>
    /// <param name="localTime">The arrival time.</param>
    /// <param name="serverTime">The answer's <c>Date</c>.</param>
    /// <returns>Where to re-POST.</returns>
    public Uri Follow(HttpResponseMessage response, Uri current, int redirects, AssertionFacts? assertion, DateTimeOffset localTime, DateTimeOffset? serverTime)
    {
        var location = response.Headers.Location;
        // A relative Location is resolved against the current URL; some (for example "//a@b@host/") cannot be, and
        // are treated like a missing Location rather than thrown as a UriFormatException.
        Uri? target = null;
        if (location is { IsAbsoluteUri: true })
        {
            target = location;
        }
        else if (location is not null)
        {
            Uri.TryCreate(current, location, out target);
        }

        var status = (int)response.StatusCode;
        if (target is null)
        {
            throw _errors.Client("client.redirect_unusable", $"The token endpoint {current.Authority} answered {status} without a usable Location header.", response.StatusCode, localTime, serverTime, assertion);
        }

        var problem = SalesforceLoginHost.GetTrustProblem(target, _options);
        if (problem is not null)
        {
            Log.TokenRedirectRefused(_logger, current.Authority, target.GetLeftPart(UriPartial.Authority), problem);
            throw _errors.Client(
                ErrorCatalog.UntrustedInstanceRow,
                $"The token endpoint {current.Authority} redirected ({status}) to {target.GetLeftPart(UriPartial.Authority)}, which is refused because {problem}. The request was not sent there. Point LoginUrl at your My Domain, or add the domain to TrustedDomains if it really is yours.",
                response.StatusCode,
                localTime,
                serverTime,
                assertion,
                target);
        }

        if (redirects >= MaxRedirects)
        {
            throw _errors.Client("client.redirect_unusable", $"The token endpoint redirected more than {MaxRedirects} times (last from {current.Authority} to {target.Authority}). Set LoginUrl to the final host, normally your My Domain.", response.StatusCode, localTime, serverTime, assertion);
        }

        // observed: the login service answers 302 to the My Domain, forcedotcom/SalesforceMobileSDK-iOS pull request 4074, https://github.com/forcedotcom/SalesforceMobileSDK-iOS/pull/4074: .NET turns a redirected POST into a GET ('must use HTTP POST'), so the same body is re-POSTed here.
        Log.TokenRedirectFollowed(_logger, current.Authority, status, target.Authority);
        return target;
    }
}
