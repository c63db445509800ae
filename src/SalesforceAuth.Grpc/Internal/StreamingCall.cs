using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using SalesforceAuth.Grpc.EventBus;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// One streaming call behind its request writer and response reader: the call starts once the token is there (at once
/// on a cache hit), the reader remembers the last replay id it delivered, and <c>UNAUTHENTICATED</c> renews the session
/// once and surfaces as <see cref="SalesforceStreamInterruptedException"/>. A stream cannot be replayed transparently
/// (its requests are gone and its events were delivered), so resuming is the caller's move, from the replay id kept.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
internal sealed class StreamingCall<TRequest, TResponse> : IClientStreamWriter<TRequest>, IAsyncStreamReader<TResponse>
    where TRequest : class
    where TResponse : class
{
    private readonly SalesforceCallInterceptor _owner;
    private readonly ClientInterceptorContext<TRequest, TResponse> _context;
    private readonly SalesforceTokenRequest? _principal;
    private readonly Func<ClientInterceptorContext<TRequest, TResponse>, Parts> _invoke;
    private readonly Task<Started> _started;
    private readonly object _failureGate = new();
    private volatile Started? _ready;
    private Task<Exception>? _failure;
    private WriteOptions? _writeOptions;
    private string? _topic;
    private ByteString? _replayId;
    private bool _delivered;
    private int _disposed;

    public StreamingCall(SalesforceCallInterceptor owner, ClientInterceptorContext<TRequest, TResponse> context, SalesforceTokenRequest? principal, Func<ClientInterceptorContext<TRequest, TResponse>, Parts> invoke)
    {
        _owner = owner;
        _context = context;
        _principal = principal;
        _invoke = invoke;
        var tokenTask = owner.GetTokenAsync(principal, context.Options.CancellationToken);
        try
        {
            _started = tokenTask.IsCompletedSuccessfully ? Task.FromResult(Begin(tokenTask.Result)) : BeginAfterTokenAsync(tokenTask);
        }
        catch (SalesforceAuthenticationException ex)
        {
            // The same shape as every other failure of the call: surfaced by the stream, not thrown by the client method.
            _started = Task.FromException<Started>(ex);
        }
    }

    /// <inheritdoc />
    public TResponse Current => (_ready?.Parts.Reader ?? throw new InvalidOperationException("MoveNext has not returned true.")).Current;

    /// <inheritdoc />
    public WriteOptions? WriteOptions
    {
        get => _ready?.Parts.Writer?.WriteOptions ?? _writeOptions;
        set
        {
            _writeOptions = value;
            if (_ready?.Parts.Writer is { } writer)
            {
                writer.WriteOptions = value;
            }
        }
    }

    public static Task<Metadata> HeadersOf(object state) => ((StreamingCall<TRequest, TResponse>)state).HeadersAsync();

    public static Status StatusOf(object state) => ((StreamingCall<TRequest, TResponse>)state).Ready.Parts.GetStatus();

    public static Metadata TrailersOf(object state) => ((StreamingCall<TRequest, TResponse>)state).Ready.Parts.GetTrailers();

    public static void DisposeOf(object state) => ((StreamingCall<TRequest, TResponse>)state).Dispose();

    private Started Ready => _ready ?? throw new InvalidOperationException("The call has not been sent yet: its Salesforce token is still being acquired.");

    /// <inheritdoc />
    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        Observe(message);
        var started = _ready ?? await _started.ConfigureAwait(false);
        try
        {
            await started.Parts.Writer!.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (PubSubErrors.IsSessionRejected(ex))
        {
            throw await FailAsync(started, ex).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested && !_context.Options.CancellationToken.IsCancellationRequested)
        {
            // Nobody cancelled: the server ended the call while the write was in flight, and Grpc.Net.Client cancels a
            // pending write when its call completes. Which of the two the writer sees is a race (seen on .NET 8 in
            // PubSubCallCredentialsTests.Subscribe_RefusedAgainRightAfterRenewal_...), so answer with the call's own status.
            if (await EndedWithAsync(started).ConfigureAwait(false) is { } ended && PubSubErrors.IsSessionRejected(ended))
            {
                throw await FailAsync(started, ended).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>The status the call ended with, or <see langword="null"/> when it has not ended.</summary>
    private static async Task<RpcException?> EndedWithAsync(Started started)
    {
        try
        {
            // A call refused at once ends with its trailers only: the headers task completes (or faults with the status) then.
            await started.Parts.Headers.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            return ex;
        }

        try
        {
            return new RpcException(started.Parts.GetStatus(), started.Parts.GetTrailers());
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task CompleteAsync()
    {
        var started = _ready ?? await _started.ConfigureAwait(false);
        await started.Parts.Writer!.CompleteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var started = _ready ?? await _started.ConfigureAwait(false);
        var reader = started.Parts.Reader!;
        bool moved;
        try
        {
            moved = await reader.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (PubSubErrors.IsSessionRejected(ex))
        {
            throw await FailAsync(started, ex).ConfigureAwait(false);
        }

        if (moved)
        {
            _delivered = true;
            Track(reader.Current);
        }

        return moved;
    }

    /// <summary>The response of a client-streaming call, with the same failure handling.</summary>
    /// <returns>The response.</returns>
    public async Task<TResponse> ResponseAsync()
    {
        var started = await _started.ConfigureAwait(false);
        try
        {
            return await started.Parts.Response!.ConfigureAwait(false);
        }
        catch (RpcException ex) when (PubSubErrors.IsSessionRejected(ex))
        {
            throw await FailAsync(started, ex).ConfigureAwait(false);
        }
    }

    /// <summary>Remembers the topic from the first request that names one (for the typed error).</summary>
    /// <param name="message">A request.</param>
    public void Observe(TRequest message)
    {
        if (_topic is not null)
        {
            return;
        }

        var topic = message switch
        {
            FetchRequest fetch => fetch.TopicName,
            PublishRequest publish => publish.TopicName,
            _ => null,
        };
        if (!string.IsNullOrEmpty(topic))
        {
            _topic = topic;
        }
    }

    private void Track(TResponse response)
    {
        if (response is FetchResponse fetch)
        {
            // The last event handed to the caller; after an empty keepalive batch, the position Salesforce reports.
            if (fetch.Events.Count > 0)
            {
                _replayId = fetch.Events[^1].ReplayId;
            }
            else if (!fetch.LatestReplayId.IsEmpty)
            {
                _replayId = fetch.LatestReplayId;
            }
        }
    }

    private Task<Exception> FailAsync(Started started, RpcException exception)
    {
        // The reader and the writer may both see the failure: one renewal, one error.
        lock (_failureGate)
        {
            return _failure ??= DecideAsync(started, exception);
        }
    }

    private async Task<Exception> DecideAsync(Started started, RpcException exception)
    {
        var method = _context.Method.FullName;
        if (!_delivered && _owner.IsRenewal(started.Token))
        {
            // Refused before delivering anything with a token that just replaced a refused one: not a session that
            // ended mid-stream, and another renewal would only loop.
            return _owner.RejectedAfterRenewal(exception, method);
        }

        await _owner.RenewAsync(_principal, started.Token, method, _context.Options.CancellationToken).ConfigureAwait(false);
        _owner.LogStreamInterrupted(method, _replayId is not null);
        return PubSubErrors.StreamInterrupted(exception, method, _topic, _replayId);
    }

    private async Task<Started> BeginAfterTokenAsync(ValueTask<SalesforceToken> tokenTask) => Begin(await tokenTask.ConfigureAwait(false));

    private Started Begin(SalesforceToken token)
    {
        var parts = _invoke(_owner.WithHeaders(_context, token));
        if (_writeOptions is { } options && parts.Writer is { } writer)
        {
            writer.WriteOptions = options;
        }

        var started = new Started(token, parts);
        _ready = started;
        if (Volatile.Read(ref _disposed) == 1)
        {
            parts.Dispose();
        }

        return started;
    }

    private async Task<Metadata> HeadersAsync()
    {
        var started = _ready ?? await _started.ConfigureAwait(false);
        return await started.Parts.Headers.ConfigureAwait(false);
    }

    private void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ready?.Parts.Dispose();
        }
    }

    /// <summary>What the inner call exposes.</summary>
    /// <param name="Writer">The request stream (client and duplex streaming).</param>
    /// <param name="Reader">The response stream (server and duplex streaming).</param>
    /// <param name="Response">The response (client streaming).</param>
    /// <param name="Headers">The response headers.</param>
    /// <param name="GetStatus">The status.</param>
    /// <param name="GetTrailers">The trailers.</param>
    /// <param name="Dispose">Disposes the call.</param>
    internal sealed record Parts(IClientStreamWriter<TRequest>? Writer, IAsyncStreamReader<TResponse>? Reader, Task<TResponse>? Response, Task<Metadata> Headers, Func<Status> GetStatus, Func<Metadata> GetTrailers, Action Dispose);

    private sealed record Started(SalesforceToken Token, Parts Parts);
}
