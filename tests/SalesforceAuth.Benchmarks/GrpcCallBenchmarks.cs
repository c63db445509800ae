using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using SalesforceAuth.Benchmarks.Infrastructure;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;

namespace SalesforceAuth.Benchmarks;

/// <summary>
/// The per-call cost of the Salesforce call credentials (issue 21): one unary Pub/Sub API call (<c>GetTopic</c>) with
/// a token already cached, through the generated client into an in-memory <see cref="TerminalCallInvoker"/>, against
/// the floor of an interceptor that adds three constant metadata entries. The OURS case lives in
/// GrpcCallBenchmarks.Ours.cs.
/// </summary>
[MemoryDiagnoser]
public partial class GrpcCallBenchmarks
{
    private static readonly TopicRequest s_request = new() { TopicName = "/event/Order_Event__e" };

    private readonly TerminalCallInvoker _terminal = new();
    private PubSub.PubSubClient _bare = null!;
    private PubSub.PubSubClient _floor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _terminal.Respond(new TopicInfo { TopicName = s_request.TopicName, CanSubscribe = true });
        _bare = new PubSub.PubSubClient(_terminal);
        _floor = new PubSub.PubSubClient(_terminal.Intercept(new ConstantMetadataInterceptor(
            new Metadata.Entry(SalesforcePubSub.AccessTokenHeader, "00Dxx0000000001!AQ4AQFakeAccessTokenForBenchmarks"),
            new Metadata.Entry(SalesforcePubSub.InstanceUrlHeader, "https://acme.my.salesforce.com"),
            new Metadata.Entry(SalesforcePubSub.TenantIdHeader, "00Dxx0000000001EAA"))));
        Verify(_floor);
        SetupOurs();
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupOurs();

    /// <summary>The generated client straight on the terminal: the cost of the gRPC client API itself.</summary>
    [Benchmark]
    public async Task<TopicInfo> Floor1_BareClient() => await _bare.GetTopicAsync(s_request);

    /// <summary>Baseline: three constant metadata entries added by an interceptor.</summary>
    [Benchmark(Baseline = true)]
    public async Task<TopicInfo> Floor2_ConstantMetadata() => await _floor.GetTopicAsync(s_request);

    partial void SetupOurs();

    partial void CleanupOurs();

    private void Verify(PubSub.PubSubClient client)
    {
        client.GetTopicAsync(s_request).ResponseAsync.GetAwaiter().GetResult();
        var headers = _terminal.LastHeaders ?? throw new InvalidOperationException("No headers reached the terminal.");
        foreach (var key in new[] { SalesforcePubSub.AccessTokenHeader, SalesforcePubSub.InstanceUrlHeader, SalesforcePubSub.TenantIdHeader })
        {
            if (headers.Get(key) is null)
            {
                throw new InvalidOperationException($"The '{key}' header did not reach the terminal.");
            }
        }
    }
}
