using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// The gRPC floor: the least any interceptor that authenticates Pub/Sub API calls can do, add three constant metadata
/// entries (created once) to a new <see cref="Metadata"/> of each call. The credentials benchmark is a ratio to this.
/// </summary>
public sealed class ConstantMetadataInterceptor(Metadata.Entry accessToken, Metadata.Entry instanceUrl, Metadata.Entry tenantId) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var headers = new Metadata { accessToken, instanceUrl, tenantId };
        return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers)));
    }
}
