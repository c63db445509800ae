using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;
using SalesforceAuth.IntegrationTests.EndToEnd;
using SalesforceAuth.Testing;
using SalesforceAuth.Testing.Grpc;

namespace SalesforceAuth.IntegrationTests.PubSub;

/// <summary>
/// The real library and gRPC client against <see cref="FakeSalesforce"/> and <see cref="FakePubSub"/> over loopback
/// (h2c): org "acme" with topic <see cref="Topic"/>, the connection "crm" for the kit's user, and an interceptor after
/// the Salesforce one that records (and can tamper with) what is sent.
/// </summary>
internal sealed class PubSubKit : EmulatorFixture
{
    public const string Topic = "/event/Order_Event__e";

    private PubSubKit(Setup setup, FakePubSub pubSub)
        : base(setup)
    {
        PubSub = pubSub;
    }

    public FakePubSub PubSub { get; }

    /// <summary>What the Salesforce interceptor sent, per call, in order.</summary>
    public List<Metadata> Sent { get; } = [];

    /// <summary>Replaces the tenantid the Salesforce interceptor set (a wrong org id), when not null.</summary>
    public string? TenantOverride { get; set; }

    public int JwtRequests => Fake.Counters.TokenRequests(EndToEndKit.JwtGrant);

    public static async Task<PubSubKit> StartAsync()
    {
        // FakePubSub speaks h2c, so the connection allows plain HTTP on loopback anyway: the whole kit stays on HTTP.
        var setup = await SetUpAsync(EndToEndKit.Keys, runAsUser: false, configure: o => o.UseHttps = false);
        var pubSub = await FakePubSub.StartAsync(setup.Fake, Cancel);
        pubSub.AddTopic(setup.Org, Topic);
        return new PubSubKit(setup, pubSub);
    }

    /// <summary>A container with the connection "crm", its HTTP client and the Pub/Sub client on the emulator.</summary>
    public ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSalesforceClient("crm", o =>
        {
            o.LoginUrl = Fake.LoginUrl;
            o.ClientId = App.ConsumerKey;
            o.Username = User.Username;
            o.PrivateKeyPem = EndToEndKit.Keys.PrivateKeyPem;
            o.CertificatePem = EndToEndKit.Keys.CertificatePem;
            o.AllowInsecureLoopback = true;
        }).AddHttpClient();
        services.AddGrpcClient<SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient>(o => o.Address = PubSub.Address)
            .AddSalesforceCallCredentials("crm")
            .AddInterceptor(() => new Recorder(this));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient Client(IServiceProvider services) =>
        services.GetRequiredService<SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient>();

    public byte[] Payload(int n) => BitConverter.GetBytes(n);

    public Google.Protobuf.ByteString Publish(int n) => PubSub.Publish(Org, Topic, Payload(n));

    public new async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Recorder(PubSubKit kit) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Record(context));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Record(context));

        private ClientInterceptorContext<TRequest, TResponse> Record<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = context.Options.Headers!;
            lock (kit.Sent)
            {
                kit.Sent.Add(headers);
            }

            if (kit.TenantOverride is not { } tenant)
            {
                return context;
            }

            var tampered = new Metadata();
            foreach (var entry in headers.Where(e => e.Key != SalesforcePubSub.TenantIdHeader))
            {
                tampered.Add(entry);
            }

            tampered.Add(SalesforcePubSub.TenantIdHeader, tenant);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(tampered));
        }
    }
}
