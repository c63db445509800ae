// OURS: the Salesforce call credentials (SalesforceCallInterceptor) as AddSalesforceCallCredentials registers them.
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Benchmarks.Infrastructure;
using SalesforceAuth.Grpc.EventBus;
using SalesforceAuth.Grpc.Internal;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Benchmarks;

public partial class GrpcCallBenchmarks
{
    private const string OursClientName = "bench";

    private readonly InMemoryTokenEndpoint _salesforceEndpoint = new(InMemoryTokenEndpoint.SalesforceTokenJson);
    private readonly RSA _oursKey = RSA.Create(2048);
    private ServiceProvider _oursServices = null!;
    private PubSub.PubSubClient _ours = null!;

    /// <summary>OURS: a cache hit, the token's three headers (created once per token) copied into the call's metadata.</summary>
    [Benchmark]
    public async Task<TopicInfo> Ours_CallCredentials() => await _ours.GetTopicAsync(s_request);

    partial void SetupOurs()
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient(OursClientName, options =>
        {
            options.Flow = SalesforceFlow.JwtBearer;
            options.LoginUrl = new Uri("https://login.salesforce.com");
            options.ClientId = "3MVG9benchmark";
            options.Username = "integration@acme.example.com";
            options.SigningKey = SalesforceSigningKey.FromRsa(_oursKey);
            options.UseIntrospection = false;
        });
        services.AddHttpClient(TokenClientRegistry.BackchannelClientName)
            .ConfigurePrimaryHttpMessageHandler(() => _salesforceEndpoint);

        // The interceptor exactly as AddSalesforceCallCredentials registers it, on the in-memory terminal (the gRPC
        // client factory would put a real channel under it).
        services.AddGrpcClient<PubSub.PubSubClient>().AddSalesforceCallCredentials(OursClientName);
        _oursServices = services.BuildServiceProvider();
        var interceptor = _oursServices.GetRequiredKeyedService<SalesforceCallInterceptor>(OursClientName);
        _ours = new PubSub.PubSubClient(_terminal.Intercept(interceptor));

        Verify(_ours);
        Check(_salesforceEndpoint.TokenRequests == 1, $"Our provider made {_salesforceEndpoint.TokenRequests} token requests during setup, expected 1.");
    }

    partial void CleanupOurs()
    {
        Check(_salesforceEndpoint.TokenRequests == 1, $"Our provider made {_salesforceEndpoint.TokenRequests} token requests, expected 1: the run measured refreshes, not cache hits.");
        _oursServices.Dispose();
        _oursKey.Dispose();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
