using Grpc.Core;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// The gRPC counterpart of <see cref="TerminalHandler"/>: answers every unary call with the same completed response,
/// so the cases differ only by what sits in front of it. Remembers the last headers so setup can check what arrived.
/// </summary>
public sealed class TerminalCallInvoker : CallInvoker
{
    private static readonly Task<Metadata> s_noHeaders = Task.FromResult(Metadata.Empty);

    private readonly Dictionary<Type, object> _responses = [];

    public Metadata? LastHeaders { get; private set; }

    public void Respond<TResponse>(TResponse response)
        where TResponse : class => _responses[typeof(TResponse)] = Task.FromResult(response);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        LastHeaders = options.Headers;
        return new AsyncUnaryCall<TResponse>((Task<TResponse>)_responses[typeof(TResponse)], s_noHeaders, static () => Status.DefaultSuccess, static () => Metadata.Empty, static () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
