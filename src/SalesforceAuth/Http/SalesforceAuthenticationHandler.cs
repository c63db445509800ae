using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;

using SalesforceAuth.Errors;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Http;

/// <summary>
/// Sends each request to the <c>instance_url</c> of its token with the bearer header, renews the session once on
/// <c>401 INVALID_SESSION_ID</c>, and refuses to send the token anywhere else (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm; Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&amp;type=1).
/// </summary>
/// <remarks>
/// Relative URIs and URIs on <see cref="PlaceholderBaseAddress"/> are rewritten to the token's instance (path and query
/// kept). Any other absolute URI must already be the token's <c>instance_url</c> or <c>api_instance_url</c> (same
/// scheme, host and port), or the request fails with <see cref="SalesforceReason.UntrustedInstanceUrl"/> and nothing is
/// sent. The handler keeps no per-request state; tokens live in the singleton <see cref="SalesforceTokenManager"/>.
/// </remarks>
internal sealed class SalesforceAuthenticationHandler : DelegatingHandler
{
    /// <summary>
    /// The base address given to Salesforce clients so callers can write relative URIs: <c>.invalid</c> never resolves
    /// (RFC 2606), so a request that somehow bypasses the rewrite cannot reach a real host.
    /// </summary>
    public static readonly Uri PlaceholderBaseAddress = new("https://salesforce.invalid/");

    private const string PlaceholderHost = "salesforce.invalid";

    /// <summary><see cref="PlaceholderBaseAddress"/> without its trailing slash: what a placeholder URI string starts with.</summary>
    private const string PlaceholderOrigin = "https://salesforce.invalid";

    private readonly SalesforceTokenManager? _manager;
    private readonly SalesforceConnectionRegistry? _connections;
    private readonly SalesforceMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="manager">
    /// The token manager of the client's connection, or <see langword="null"/> for a client whose every request names
    /// its connection (<see cref="SalesforceRequestOptions.SetSalesforceConnection"/>).
    /// </param>
    /// <param name="connections">The connections a request can name, or <see langword="null"/> for none.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="logger">The logger.</param>
    public SalesforceAuthenticationHandler(SalesforceTokenManager? manager, SalesforceConnectionRegistry? connections, SalesforceMetrics metrics, ILogger logger)
    {
        if (manager is null && connections is null)
        {
            throw new ArgumentNullException(nameof(connections), "A handler needs a connection of its own or connections to choose from.");
        }

        _manager = manager;
        _connections = connections;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Creates the handler of one connection.</summary>
    /// <param name="manager">The token manager of the connection.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="logger">The logger.</param>
    public SalesforceAuthenticationHandler(SalesforceTokenManager manager, SalesforceMetrics metrics, ILogger logger)
        : this(manager, null, metrics, logger)
    {
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        var manager = _manager;
        if (options.TryGetValue(SalesforceRequestOptions.Connection, out var connectionId) && !string.IsNullOrEmpty(connectionId))
        {
            // A held connection is found without waiting (the hot path of a multi-tenant client); a new one is resolved first.
            if (_connections is null)
            {
                return Task.FromException<HttpResponseMessage>(new InvalidOperationException("This handler serves one connection; SetSalesforceConnection needs a client registered by dependency injection."));
            }

            if (!_connections.TryGetManager(connectionId, out manager))
            {
                return SendAfterConnectionAsync(request, _connections.GetManagerAsync(connectionId, cancellationToken), cancellationToken);
            }
        }
        else if (manager is null)
        {
            return Task.FromException<HttpResponseMessage>(new InvalidOperationException(
                "This Salesforce client has no connection of its own: name one on each request with request.SetSalesforceConnection(connectionId)."));
        }

        return Send(request, manager, options, cancellationToken);
    }

    private Task<HttpResponseMessage> Send(HttpRequestMessage request, SalesforceTokenManager manager, HttpRequestOptions options, CancellationToken cancellationToken)
    {
        var entry = ResolveEntry(manager, options);
        var original = request.RequestUri;
        var tokenTask = manager.GetAsync(entry, cancellationToken);
        if (!tokenTask.IsCompletedSuccessfully)
        {
            return SendAfterTokenAsync(request, manager, entry, original, tokenTask, cancellationToken);
        }

        // The hot path: a cached token and (with an in-memory or synchronously completing inner handler) no await.
        var token = tokenTask.Result;
        try
        {
            Prepare(request, manager, original, token);
        }
        catch (SalesforceAuthenticationException ex)
        {
            // Same shape as every other failure of SendAsync: a faulted task, not a synchronous throw.
            return Task.FromException<HttpResponseMessage>(ex);
        }

        var sent = request.RequestUri!;
        var send = base.SendAsync(request, cancellationToken);
        if (send.IsCompletedSuccessfully && !MayBeSessionError(send.Result) && ReferenceEquals(AnsweredUri(send.Result, request), sent))
        {
            manager.ApiUsage.Observe(send.Result);
            return send;
        }

        return CompleteAsync(request, manager, entry, original, token, sent, send, cancellationToken);
    }

    /// <summary>Whether a request body can be sent a second time.</summary>
    /// <param name="content">The content.</param>
    /// <returns><see langword="true"/> for no body and buffered bodies; <see langword="false"/> for streams and unknown types.</returns>
    internal static bool IsReplayable(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent => true,
        ReadOnlyMemoryContent => true,
        JsonContent => true,
        MultipartContent multipart => multipart.All(IsReplayable),
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="uri"/> is <c>https://salesforce.invalid/</c> followed by a path and query that
    /// <see cref="Uri"/> keeps verbatim, so that the text after the origin equals <see cref="Uri.PathAndQuery"/>:
    /// letters, digits and <c>-_~.=&amp;?/</c>, with no empty, <c>.</c> or <c>..</c> segment (dot segments and
    /// <c>//</c> are what URI parsing could rewrite). Anything else takes the general path.
    /// </summary>
    /// <param name="uri">The request URI's <see cref="Uri.OriginalString"/>.</param>
    /// <returns><see langword="true"/> when the fast rewrite gives the same URI as the general one.</returns>
    internal static bool IsPlainPlaceholderUri(string uri)
    {
        if (uri.Length <= PlaceholderOrigin.Length
            || uri[PlaceholderOrigin.Length] != '/'
            || !uri.StartsWith(PlaceholderOrigin, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var previous = '/';
        for (var i = PlaceholderOrigin.Length + 1; i < uri.Length; i++)
        {
            var c = uri[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '~' or '=' or '&' or '?' or '.' or '/')
                || (previous == '/' && c is '/' or '.'))
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="uri"/> is <paramref name="instanceBase"/> (an origin, possibly with a path, no trailing
    /// slash) followed by <c>/</c>: then the URI has the instance's scheme, host and port.
    /// </summary>
    /// <param name="uri">The request URI's <see cref="Uri.OriginalString"/>.</param>
    /// <param name="instanceBase">The token's <see cref="CachedToken.InstanceBase"/>.</param>
    /// <returns><see langword="true"/> when the request is on the token's instance.</returns>
    internal static bool StartsWithBase(string uri, string instanceBase) =>
        uri.Length > instanceBase.Length
        && uri[instanceBase.Length] == '/'
        && uri.StartsWith(instanceBase, StringComparison.OrdinalIgnoreCase);

    private static bool MayBeSessionError(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Port == b.Port
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static TokenCacheEntry ResolveEntry(SalesforceTokenManager manager, HttpRequestOptions options) =>
        options.TryGetValue(SalesforceRequestOptions.Username, out var username) && !string.IsNullOrEmpty(username)
            ? manager.GetEntry(new SalesforceTokenRequest { Username = username })
            : manager.DefaultEntry;

    private async Task<HttpResponseMessage> SendAfterConnectionAsync(HttpRequestMessage request, ValueTask<SalesforceTokenManager> manager, CancellationToken cancellationToken) =>
        await Send(request, await manager.ConfigureAwait(false), request.Options, cancellationToken).ConfigureAwait(false);

    private async Task<HttpResponseMessage> SendAfterTokenAsync(HttpRequestMessage request, SalesforceTokenManager manager, TokenCacheEntry entry, Uri? original, ValueTask<CachedToken> tokenTask, CancellationToken cancellationToken)
    {
        var token = await tokenTask.ConfigureAwait(false);
        Prepare(request, manager, original, token);
        return await CompleteAsync(request, manager, entry, original, token, request.RequestUri!, base.SendAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> CompleteAsync(HttpRequestMessage request, SalesforceTokenManager manager, TokenCacheEntry entry, Uri? original, CachedToken token, Uri sent, Task<HttpResponseMessage> send, CancellationToken cancellationToken)
    {
        var response = await send.ConfigureAwait(false);
        EnsureNotRedirected(request, manager, sent, response, token);
        manager.ApiUsage.Observe(response);
        if (!MayBeSessionError(response))
        {
            return response;
        }

        var failure = await RestAuthErrorClassifier.ClassifyAsync(response, cancellationToken).ConfigureAwait(false);
        if (failure == RestAuthFailure.NotRenewable)
        {
            Log.SessionNotValidForApi(_logger, manager.Name, token.Token.InstanceUrl.Host);
            return response;
        }

        if (failure != RestAuthFailure.SessionExpired)
        {
            return response;
        }

        if (!IsReplayable(request.Content))
        {
            // The caller gets the 401; the next request gets a new token.
            manager.Invalidate(entry, token.Token);
            Log.SessionExpiredNotReplayable(_logger, manager.Name);
            return response;
        }

        Log.SessionExpiredRenewing(_logger, manager.Name, token.Token.InstanceUrl.Host);
        var renewed = await manager.RenewSessionAsync(entry, token.Token, cancellationToken).ConfigureAwait(false);
        response.Dispose();

        // Rebuild for the possibly new instance_url (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&type=5, jsforce #196): a retry to the old host fails the same way.
        Prepare(request, manager, original, renewed);
        sent = request.RequestUri!;
        var retry = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        EnsureNotRedirected(request, manager, sent, retry, renewed);
        manager.ApiUsage.Observe(retry);
        if (MayBeSessionError(retry)
            && await RestAuthErrorClassifier.ClassifyAsync(retry, cancellationToken).ConfigureAwait(false) == RestAuthFailure.SessionExpired)
        {
            // Exactly one renewal per request: never loop (REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
            Log.SessionExpiredAfterRenewal(_logger, manager.Name, renewed.Token.InstanceUrl.Host);
            retry.Dispose();
            throw HandlerErrors.SessionExpired(renewed.Token);
        }

        return retry;
    }

    /// <summary>The URI that answered: the request's, which a redirect-following handler replaces with each Location.</summary>
    private static Uri? AnsweredUri(HttpResponseMessage response, HttpRequestMessage request) =>
        response.RequestMessage?.RequestUri ?? request.RequestUri;

    /// <summary>
    /// Refuses an answer from another host than the one the request was sent to: a primary handler that follows
    /// redirects (one whose AllowAutoRedirect could not be turned off) took the request there.
    /// </summary>
    private void EnsureNotRedirected(HttpRequestMessage request, SalesforceTokenManager manager, Uri sent, HttpResponseMessage response, CachedToken token)
    {
        var answered = AnsweredUri(response, request);
        if (answered is null || ReferenceEquals(answered, sent) || !answered.IsAbsoluteUri || SameOrigin(answered, sent))
        {
            return;
        }

        response.Dispose();
        _metrics.ForeignHostRefusals.Add(1, manager.FlowTag);
        Log.ForeignHostRefused(_logger, manager.Name, answered.GetLeftPart(UriPartial.Authority), token.Token.InstanceUrl.Host);
        throw HandlerErrors.RedirectFollowed(answered, token.Token);
    }

    private void Prepare(HttpRequestMessage request, SalesforceTokenManager manager, Uri? original, CachedToken cached)
    {
        var token = cached.Token;
        Uri target;
        if (original is null)
        {
            target = token.InstanceUrl;
        }
        else if (!original.IsAbsoluteUri)
        {
            var relative = original.OriginalString;
            target = new Uri(relative.StartsWith('/') ? cached.InstanceBase + relative : cached.InstanceBase + "/" + relative);
        }
        else if (StartsWithBase(original.OriginalString, cached.InstanceBase))
        {
            // The common case for absolute URIs: the text already starts with the instance (same scheme, host and
            // port), decided without the URI's host and port getters. Anything else takes the checks below.
            target = original;
        }
        else if (IsPlainPlaceholderUri(original.OriginalString))
        {
            // The common case (a relative URI HttpClient combined with the placeholder): the same string as below,
            // without parsing the placeholder URI's host and path (two strings and the URI's parse info per request).
            target = new Uri(string.Concat(cached.InstanceBase.AsSpan(), original.OriginalString.AsSpan(PlaceholderOrigin.Length)));
        }
        else if (string.Equals(original.Host, PlaceholderHost, StringComparison.OrdinalIgnoreCase))
        {
            target = new Uri(cached.InstanceBase + original.PathAndQuery);
        }
        else if (SameOrigin(original, token.InstanceUrl) || (token.ApiInstanceUrl is { } api && SameOrigin(original, api)))
        {
            target = original;
        }
        else
        {
            _metrics.ForeignHostRefusals.Add(1, manager.FlowTag);
            Log.ForeignHostRefused(_logger, manager.Name, original.GetLeftPart(UriPartial.Authority), token.InstanceUrl.Host);
            throw HandlerErrors.UntrustedTarget(original, token);
        }

        if (!string.Equals(target.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase)
            && !(string.Equals(target.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && SalesforceLoginHost.IsLoopback(target) && manager.Options.AllowInsecureLoopback))
        {
            _metrics.ForeignHostRefusals.Add(1, manager.FlowTag);
            throw HandlerErrors.InsecureInstance(token);
        }

        if (!ReferenceEquals(target, original))
        {
            request.RequestUri = target;
        }

        request.Headers.Authorization = token.AuthorizationHeader;
    }
}
