using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// Adds <c>accesstoken</c>, <c>instanceurl</c> and <c>tenantid</c> to every call from the token cache of one
/// connection (the HTTP handler's cache, through the public <see cref="ISalesforceTokenProvider"/>: this package uses
/// no internals of the core), renews the session once and retries a unary call once on <c>UNAUTHENTICATED</c>, and
/// turns <c>UNAUTHENTICATED</c> on a stream into <see cref="SalesforceStreamInterruptedException"/> (replay id kept)
/// after the same single renewal. One instance per connection; it keeps no per-call state.
/// </summary>
internal sealed class SalesforceCallInterceptor : Interceptor
{
    private static readonly object Renewed = new();

    private readonly ISalesforceTokenProvider _tokens;
    private readonly ILogger _logger;

    // Tokens that replaced a rejected one: a stream refused with one of these before it delivered anything is not a
    // session that ended mid-stream but headers a new token cannot fix, so it must not renew again (no renewal loop).
    private readonly ConditionalWeakTable<SalesforceToken, object> _renewals = [];
    private volatile PubSubHeaders? _last;

    /// <summary>Creates the interceptor of a connection.</summary>
    /// <param name="tokens">The token cache.</param>
    /// <param name="clientName">The connection name.</param>
    /// <param name="logger">The logger.</param>
    public SalesforceCallInterceptor(ISalesforceTokenProvider tokens, string clientName, ILogger logger)
    {
        _tokens = tokens;
        ClientName = clientName;
        _logger = logger;
    }

    /// <summary>The connection name.</summary>
    public string ClientName { get; }

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return new UnaryCall<TRequest, TResponse>(this, request, context, continuation, ResolvePrincipal(context.Options.Headers)).Start();
    }

    /// <inheritdoc />
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var principal = ResolvePrincipal(context.Options.Headers);
        var tokenTask = GetTokenAsync(principal, context.Options.CancellationToken);

        // A blocking call blocks by definition; the wait only happens on a cache miss.
        var token = tokenTask.IsCompletedSuccessfully ? tokenTask.Result : tokenTask.AsTask().GetAwaiter().GetResult();
        try
        {
            return continuation(request, WithHeaders(context, token));
        }
        catch (RpcException ex) when (PubSubErrors.IsSessionRejected(ex))
        {
            var renewed = RenewAsync(principal, token, context.Method.FullName, context.Options.CancellationToken).GetAwaiter().GetResult();
            try
            {
                return continuation(request, WithHeaders(context, renewed));
            }
            catch (RpcException again) when (PubSubErrors.IsSessionRejected(again))
            {
                throw RejectedAfterRenewal(again, context.Method.FullName);
            }
        }
    }

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = new StreamingCall<TRequest, TResponse>(this, context, ResolvePrincipal(context.Options.Headers), ctx =>
        {
            var inner = continuation(request, ctx);
            return new StreamingCall<TRequest, TResponse>.Parts(null, inner.ResponseStream, null, inner.ResponseHeadersAsync, inner.GetStatus, inner.GetTrailers, inner.Dispose);
        });
        call.Observe(request);
        return new AsyncServerStreamingCall<TResponse>(call, StreamingCall<TRequest, TResponse>.HeadersOf, StreamingCall<TRequest, TResponse>.StatusOf, StreamingCall<TRequest, TResponse>.TrailersOf, StreamingCall<TRequest, TResponse>.DisposeOf, call);
    }

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = new StreamingCall<TRequest, TResponse>(this, context, ResolvePrincipal(context.Options.Headers), ctx =>
        {
            var inner = continuation(ctx);
            return new StreamingCall<TRequest, TResponse>.Parts(inner.RequestStream, null, inner.ResponseAsync, inner.ResponseHeadersAsync, inner.GetStatus, inner.GetTrailers, inner.Dispose);
        });
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, call.ResponseAsync(), StreamingCall<TRequest, TResponse>.HeadersOf, StreamingCall<TRequest, TResponse>.StatusOf, StreamingCall<TRequest, TResponse>.TrailersOf, StreamingCall<TRequest, TResponse>.DisposeOf, call);
    }

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = new StreamingCall<TRequest, TResponse>(this, context, ResolvePrincipal(context.Options.Headers), ctx =>
        {
            var inner = continuation(ctx);
            return new StreamingCall<TRequest, TResponse>.Parts(inner.RequestStream, inner.ResponseStream, null, inner.ResponseHeadersAsync, inner.GetStatus, inner.GetTrailers, inner.Dispose);
        });
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, call, StreamingCall<TRequest, TResponse>.HeadersOf, StreamingCall<TRequest, TResponse>.StatusOf, StreamingCall<TRequest, TResponse>.TrailersOf, StreamingCall<TRequest, TResponse>.DisposeOf, call);
    }

    /// <summary>The call's principal: the configured one (<see langword="null"/>), or the username set with <c>WithSalesforceUsername</c>.</summary>
    /// <param name="headers">The call's headers.</param>
    /// <returns>The overrides, or <see langword="null"/>.</returns>
    internal static SalesforceTokenRequest? ResolvePrincipal(Metadata? headers)
    {
        if (headers is not null)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var entry = headers[i];
                if (string.Equals(entry.Key, SalesforceCallOptionsExtensions.UsernameHeader, StringComparison.Ordinal) && entry.Value.Length > 0)
                {
                    return new SalesforceTokenRequest { Username = entry.Value };
                }
            }
        }

        return null;
    }

    /// <summary>Gets the principal's token from the cache (or the one acquisition in flight).</summary>
    /// <param name="request">The principal's overrides, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The token.</returns>
    internal ValueTask<SalesforceToken> GetTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken) => _tokens.GetTokenAsync(ClientName, request, cancellationToken);

    /// <summary>The call's context with the caller's headers (less the username marker and any of ours) and the token's three headers.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="context">The call's context.</param>
    /// <param name="token">The token.</param>
    /// <returns>The context to send.</returns>
    /// <exception cref="SalesforceAuthenticationException">The token's org id cannot be determined.</exception>
    internal ClientInterceptorContext<TRequest, TResponse> WithHeaders<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, SalesforceToken token)
        where TRequest : class
        where TResponse : class
    {
        var headers = _last;
        if (headers is null || !ReferenceEquals(headers.Token, token))
        {
            headers = PubSubHeaders.Create(token, ClientName);
            _last = headers;
        }

        var metadata = new Metadata();
        if (context.Options.Headers is { } own)
        {
            for (var i = 0; i < own.Count; i++)
            {
                var entry = own[i];
                if (!PubSubHeaders.IsOwnKey(entry.Key) && !string.Equals(entry.Key, SalesforceCallOptionsExtensions.UsernameHeader, StringComparison.Ordinal))
                {
                    metadata.Add(entry);
                }
            }
        }

        metadata.Add(headers.AccessToken);
        metadata.Add(headers.InstanceUrl);
        metadata.Add(headers.TenantId);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(metadata));
    }

    /// <summary>
    /// Replaces a token the Pub/Sub API refused: compare-and-evict, then the renewal already in flight or a new one
    /// (one token request however many calls were refused with the same token).
    /// </summary>
    /// <param name="request">The principal's overrides, or <see langword="null"/>.</param>
    /// <param name="rejected">The refused token.</param>
    /// <param name="method">The method, for the log.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The replacement.</returns>
    internal async Task<SalesforceToken> RenewAsync(SalesforceTokenRequest? request, SalesforceToken rejected, string method, CancellationToken cancellationToken)
    {
        Log.SessionRejectedRenewing(_logger, ClientName, method);

        // Counted and traced as a session renewal by the provider, like the HTTP handler's.
        var renewed = await _tokens.RenewTokenAsync(ClientName, rejected, request, cancellationToken).ConfigureAwait(false);
        _renewals.AddOrUpdate(renewed, Renewed);
        return renewed;
    }

    /// <summary>Whether <paramref name="token"/> replaced a refused token.</summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when it came from <see cref="RenewAsync"/>.</returns>
    internal bool IsRenewal(SalesforceToken token) => _renewals.TryGetValue(token, out _);

    /// <summary>The error for a call refused again with a renewed token.</summary>
    /// <param name="exception">The second refusal.</param>
    /// <param name="method">The method.</param>
    /// <returns>The typed error.</returns>
    internal SalesforceAuthenticationException RejectedAfterRenewal(RpcException exception, string method)
    {
        Log.SessionRejectedAfterRenewal(_logger, ClientName, method);
        return PubSubErrors.Map(exception, renewed: true)!;
    }

    /// <summary>Logs a stream the session ended.</summary>
    /// <param name="method">The method.</param>
    /// <param name="hasReplayId">Whether a replay id was kept.</param>
    internal void LogStreamInterrupted(string method, bool hasReplayId) => Log.StreamInterrupted(_logger, ClientName, method, hasReplayId);
}
