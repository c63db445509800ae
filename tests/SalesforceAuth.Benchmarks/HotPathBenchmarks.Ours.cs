// OURS: the two hot-path cases that measure our caching handler (SalesforceAuthenticationHandler). The method names
// are what TargetsReporter looks for: keep them.
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Benchmarks.Infrastructure;
using SalesforceAuth.Http;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;
using SalesforceAuth.Tokens.Refresh;

namespace SalesforceAuth.Benchmarks;

public partial class HotPathBenchmarks
{
    private const string OursClientName = "bench";

    private readonly InMemoryTokenEndpoint _salesforceEndpoint = new(InMemoryTokenEndpoint.SalesforceTokenJson);
    private readonly RSA _oursKey = RSA.Create(2048);
    private ServiceProvider _oursServices = null!;
    private HttpMessageHandler _oursFactoryHandler = null!;
    private HttpClient _oursInstanceHost = null!;
    private HttpClient _oursRewrite = null!;

    /// <summary>OURS, the request already addressed to the token's instance host: a cache hit plus the header.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Ours_InstanceHost() => _oursInstanceHost.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>OURS, a relative URI rewritten to instance_url (the new Uri is the expected extra allocation).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Ours_Rewrite() => _oursRewrite.GetAsync(s_relativeUri, HttpCompletionOption.ResponseHeadersRead);

    partial void SetupOurs()
    {
        var services = new ServiceCollection();

        // The JWT bearer flow with a throwaway key (the flow this build implements); the flow does not matter on the
        // hot path, which only reads the cache.
        services.AddSalesforceClient(OursClientName, options =>
        {
            options.Flow = SalesforceFlow.JwtBearer;
            options.LoginUrl = new Uri("https://login.salesforce.com");
            options.ClientId = "3MVG9benchmark";
            options.Username = "integration@acme.example.com";
            options.SigningKey = SalesforceSigningKey.FromRsa(_oursKey);
            options.UseIntrospection = false;
        })
        .AddHttpClient()

            // The handler exactly as DI builds it (AddSalesforceTokenHandler's factory), in front of the shared
            // in-memory terminal. No logging handlers (floor 2 has none) and no rotation: the factory would dispose the
            // chain, terminal included, when a rotated handler is collected.
            .RemoveAllLoggers()
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => _terminal);

        // The back-channel (token endpoint) client goes to the in-memory Salesforce token endpoint.
        services.AddHttpClient(TokenClientRegistry.BackchannelClientName)
            .ConfigurePrimaryHttpMessageHandler(() => _salesforceEndpoint);

        _oursServices = services.BuildServiceProvider();

        // IHttpMessageHandlerFactory returns LifetimeTrackingHttpMessageHandler -> our handler -> terminal. Chain the
        // client on our handler directly, like floor 2 (one DelegatingHandler in front of the terminal); keep the
        // wrapper referenced so the factory never considers the chain abandoned.
        _oursFactoryHandler = _oursServices.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(OursClientName);
        var ours = (_oursFactoryHandler as DelegatingHandler)?.InnerHandler as SalesforceAuthenticationHandler
            ?? throw new InvalidOperationException($"The handler chain of '{OursClientName}' is not wrapper -> SalesforceAuthenticationHandler -> terminal.");
        Check(ReferenceEquals(ours.InnerHandler, _terminal), "Our handler is not chained directly on the terminal handler.");

        _oursInstanceHost = new HttpClient(ours, disposeHandler: false);

        // The base address AddSalesforceTokenHandler gives a client without one, so relative URIs pass HttpClient.
        _oursRewrite = new HttpClient(ours, disposeHandler: false) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };

        // Warm the cache (exactly one token request) and check both reach the instance host with a header.
        Verify(_oursInstanceHost);
        Verify(_oursRewrite, requestUri: s_relativeUri);
        Check(_salesforceEndpoint.TokenRequests == 1, $"Our provider made {_salesforceEndpoint.TokenRequests} token requests during setup, expected 1.");
    }

    partial void CleanupOurs()
    {
        Check(_salesforceEndpoint.TokenRequests == 1, $"Our provider made {_salesforceEndpoint.TokenRequests} token requests, expected 1: the run measured refreshes, not cache hits.");
        _oursInstanceHost.Dispose();
        _oursRewrite.Dispose();
        GC.KeepAlive(_oursFactoryHandler);
        _oursServices.Dispose();
        _oursKey.Dispose();
    }
}
