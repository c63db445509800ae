using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Salesforce authentication to gRPC clients (the Salesforce Pub/Sub API).</summary>
public static class SalesforceGrpcClientBuilderExtensions
{
    /// <summary>
    /// Authenticates every call of a gRPC client as the Salesforce connection <paramref name="clientName"/>: the
    /// <c>accesstoken</c>, <c>instanceurl</c> and <c>tenantid</c> headers from the connection's cached token (the same
    /// cache and principal as its HTTP client), one renewal and one retry of unary calls on <c>UNAUTHENTICATED</c>, and
    /// <see cref="SalesforceStreamInterruptedException"/> (replay id kept) when a session ends during a stream. The
    /// address defaults to <see cref="SalesforcePubSub.DefaultAddress"/>; set another with
    /// <c>AddGrpcClient&lt;T&gt;(o =&gt; o.Address = ...)</c>. An address must be HTTPS, or plain HTTP on loopback with
    /// the connection's <see cref="SalesforceClientOptions.AllowInsecureLoopback"/> (an emulator); the host fails to
    /// start otherwise.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddGrpcClient</c>.</param>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <returns>The same builder.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddSalesforceClient("crm");
    /// builder.Services.AddGrpcClient&lt;PubSub.PubSubClient&gt;().AddSalesforceCallCredentials("crm");
    /// </code>
    /// </example>
    public static IHttpClientBuilder AddSalesforceCallCredentials(this IHttpClientBuilder builder, string clientName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(clientName);
        var grpcClientName = builder.Name;
        builder.Services.PostConfigure<GrpcClientFactoryOptions>(grpcClientName, o => o.Address ??= SalesforcePubSub.DefaultAddress);
        builder.Services.AddOptions<GrpcClientFactoryOptions>(grpcClientName)
            .Validate<IOptionsMonitor<SalesforceClientOptions>>(
                (o, connections) => IsAllowedAddress(o.Address, connections.Get(clientName).AllowInsecureLoopback),
                $"The gRPC client '{grpcClientName}' (Salesforce connection '{clientName}') must use an https:// address such as {SalesforcePubSub.DefaultAddress}; plain http:// is allowed only on a loopback address with Salesforce:Clients:{clientName}:AllowInsecureLoopback = true (an emulator).")
            .ValidateOnStart();
        builder.Services.TryAddKeyedSingleton(clientName, static (sp, key) => new SalesforceCallInterceptor(
            sp.GetRequiredService<ISalesforceTokenProvider>(),
            (string)key!,
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("SalesforceAuth.Grpc")));
        builder.AddInterceptor(sp => sp.GetRequiredKeyedService<SalesforceCallInterceptor>(clientName));
        return builder;
    }

    private static bool IsAllowedAddress(Uri? address, bool allowInsecureLoopback) =>
        address is { IsAbsoluteUri: true }
        && (string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(address.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && address.IsLoopback && allowInsecureLoopback));
}
