using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// One unary call: waits for the token only on a cache miss, sends, and on <c>UNAUTHENTICATED</c> renews the session
/// once and sends again (a unary request is a single message, so it can always be sent twice). The status, trailers
/// and headers are those of the attempt that produced the outcome.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
internal sealed class UnaryCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    private readonly SalesforceCallInterceptor _owner;
    private readonly TRequest _request;
    private readonly ClientInterceptorContext<TRequest, TResponse> _context;
    private readonly Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> _continuation;
    private readonly SalesforceTokenRequest? _principal;
    private volatile AsyncUnaryCall<TResponse>? _current;
    private Task<TResponse>? _response;
    private int _disposed;

    public UnaryCall(SalesforceCallInterceptor owner, TRequest request, ClientInterceptorContext<TRequest, TResponse> context, Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> continuation, SalesforceTokenRequest? principal)
    {
        _owner = owner;
        _request = request;
        _context = context;
        _continuation = continuation;
        _principal = principal;
    }

    public AsyncUnaryCall<TResponse> Start()
    {
        var tokenTask = _owner.GetTokenAsync(_principal, _context.Options.CancellationToken);
        _response = tokenTask.IsCompletedSuccessfully ? SendAsync(tokenTask.Result) : SendAfterTokenAsync(tokenTask);
        return new AsyncUnaryCall<TResponse>(
            _response,
            static state => ((UnaryCall<TRequest, TResponse>)state).HeadersAsync(),
            static state => ((UnaryCall<TRequest, TResponse>)state).Current.GetStatus(),
            static state => ((UnaryCall<TRequest, TResponse>)state).Current.GetTrailers(),
            static state => ((UnaryCall<TRequest, TResponse>)state).Dispose(),
            this);
    }

    private AsyncUnaryCall<TResponse> Current => _current ?? throw new InvalidOperationException("The call has not been sent yet: its Salesforce token is still being acquired.");

    private async Task<TResponse> SendAfterTokenAsync(ValueTask<SalesforceToken> tokenTask) =>
        await SendAsync(await tokenTask.ConfigureAwait(false)).ConfigureAwait(false);

    private async Task<TResponse> SendAsync(SalesforceToken token)
    {
        var call = Invoke(token);
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex) when (PubSubErrors.IsSessionRejected(ex))
        {
            var method = _context.Method.FullName;
            var renewed = await _owner.RenewAsync(_principal, token, method, _context.Options.CancellationToken).ConfigureAwait(false);
            call.Dispose();
            var retry = Invoke(renewed);
            try
            {
                return await retry.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException again) when (PubSubErrors.IsSessionRejected(again))
            {
                // Exactly one renewal per call: a renewed token refused at once is not an expired session.
                throw _owner.RejectedAfterRenewal(again, method);
            }
        }
    }

    private AsyncUnaryCall<TResponse> Invoke(SalesforceToken token)
    {
        var call = _continuation(_request, _owner.WithHeaders(_context, token));
        _current = call;
        if (Volatile.Read(ref _disposed) == 1)
        {
            call.Dispose();
        }

        return call;
    }

    private async Task<Metadata> HeadersAsync()
    {
        // The headers of the attempt that decides the outcome, known once the response (or the failure) is.
        try
        {
            await _response!.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or SalesforceAuthenticationException)
        {
            if (_current is null)
            {
                throw;
            }
        }

        return await Current.ResponseHeadersAsync.ConfigureAwait(false);
    }

    private void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _current?.Dispose();
        }
    }
}
