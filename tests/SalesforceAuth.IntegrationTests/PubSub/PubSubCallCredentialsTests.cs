using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;
using static SalesforceAuth.IntegrationTests.EmulatorFixture;

namespace SalesforceAuth.IntegrationTests.PubSub;

/// <summary>The Salesforce call credentials against FakePubSub: headers, renewal, typed errors, streams.</summary>
public sealed class PubSubCallCredentialsTests
{
    [Fact]
    public async Task GetTopic_ColdCache_SendsTheThreeHeadersOfTheConnectionsCachedToken()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();

        var topic = await PubSubKit.Client(services).GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel);
        var token = await services.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: Cancel);
        using var rest = await services.GetRequiredService<IHttpClientFactory>().CreateClient("crm").GetAsync(new Uri("/services/data/v62.0/", UriKind.Relative), Cancel);

        Assert.Equal(kit.Org.OrgId, topic.TenantGuid);
        var sent = Assert.Single(kit.Sent);
        Assert.Equal(token.AccessToken, sent.GetValue(SalesforcePubSub.AccessTokenHeader));
        Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), sent.GetValue(SalesforcePubSub.InstanceUrlHeader));
        Assert.Equal(kit.Org.OrgId, sent.GetValue(SalesforcePubSub.TenantIdHeader));
        Assert.True(rest.IsSuccessStatusCode);

        // One cache for the gRPC client, the token provider and the HTTP client of the connection.
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task GetTopic_WithSalesforceUsername_UsesThatUsersTokenAndDoesNotSendTheUsername()
    {
        await using var kit = await PubSubKit.StartAsync();
        var other = kit.Org.AddUser("ops@acme.com");
        kit.App.PreAuthorizedUsers.Add(other);
        await using var services = kit.Services();

        await PubSubKit.Client(services).GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, new CallOptions(cancellationToken: Cancel).WithSalesforceUsername(other.Username));
        var token = await services.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", new SalesforceTokenRequest { Username = other.Username }, cancellationToken: Cancel);

        var sent = Assert.Single(kit.Sent);
        Assert.Equal(token.AccessToken, sent.GetValue(SalesforcePubSub.AccessTokenHeader));
        Assert.Null(sent.Get(SalesforceCallOptionsExtensions.UsernameHeader));
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task Unary_SessionRevoked_RenewsOnceAndRetriesTheCall()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        var client = PubSubKit.Client(services);
        await client.GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel);

        kit.Fake.RevokeAllSessions();
        var replayIds = await client.PublishAsync(new PublishRequest { TopicName = PubSubKit.Topic, Events = { new ProducerEvent { Id = "1", Payload = ByteString.CopyFrom(kit.Payload(1)) } } }, cancellationToken: Cancel);

        Assert.Single(replayIds.Results);
        Assert.Equal(1, kit.PubSub.UnauthenticatedCalls);
        Assert.Equal(2, kit.JwtRequests);
        Assert.NotEqual(kit.Sent[1].GetValue(SalesforcePubSub.AccessTokenHeader), kit.Sent[2].GetValue(SalesforcePubSub.AccessTokenHeader));
    }

    [Fact]
    public async Task BlockingUnary_SessionRevoked_RenewsOnceAndRetriesTheCall()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        var client = PubSubKit.Client(services);
        await client.GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel);

        kit.Fake.RevokeAllSessions();
        var topic = await Task.Run(() => client.GetTopic(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel), Cancel);

        Assert.Equal(kit.Org.OrgId, topic.TenantGuid);
        Assert.Equal(1, kit.PubSub.UnauthenticatedCalls);
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task Unary_RefusedAgainAfterRenewal_ThrowsSessionExpiredNamingTheHeaders()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        kit.TenantOverride = "00D000000000001AAA";

        var ex = await Assert.ThrowsAsync<SalesforceSessionExpiredException>(async () =>
            await PubSubKit.Client(services).GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel));

        Assert.Equal(SalesforceReason.SessionExpired, ex.Reason);
        Assert.Equal(SalesforcePubSub.AuthErrorCode, ex.Error);
        Assert.Contains(ex.Diagnosis.Causes, c => c.Contains("tenantid", StringComparison.Ordinal));
        Assert.IsType<RpcException>(ex.InnerException);

        // One renewal, never a loop.
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(2, kit.PubSub.UnauthenticatedCalls);
    }

    [Fact]
    public async Task Unary_UserLacksPermission_IsNotRenewedAndMapsToPermissionDenied()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        kit.PubSub.DenyAccess(kit.User);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await PubSubKit.Client(services).GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel));
        var mapped = ex.ToSalesforceException();

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.NotNull(mapped);
        Assert.Equal(SalesforceReason.PermissionDenied, mapped.Reason);
        Assert.Contains(mapped.Diagnosis.Remedies, r => r.Contains("permission set", StringComparison.Ordinal));
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task Subscribe_SessionRevokedMidStream_ThrowsInterruptedWithTheLastReplayIdAndResumesWithoutLossOrRepeat()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        var client = PubSubKit.Client(services);
        kit.Publish(1);
        var second = kit.Publish(2);

        using var call = client.Subscribe(cancellationToken: Cancel);
        await call.RequestStream.WriteAsync(new FetchRequest { TopicName = PubSubKit.Topic, ReplayPreset = ReplayPreset.Earliest, NumRequested = 10 }, Cancel);
        var received = new List<ConsumerEvent>();
        while (received.Count < 2 && await call.ResponseStream.MoveNext(Cancel))
        {
            received.AddRange(call.ResponseStream.Current.Events);
        }

        kit.Fake.RevokeAllSessions();
        kit.Publish(3);
        var ex = await Assert.ThrowsAsync<SalesforceStreamInterruptedException>(() => call.ResponseStream.MoveNext(Cancel));

        Assert.Equal(second, ex.ReplayId);
        Assert.Equal(PubSubKit.Topic, ex.TopicName);
        Assert.Equal("/eventbus.v1.PubSub/Subscribe", ex.Method);
        Assert.True(ex.IsTransient);
        Assert.Equal(2, kit.JwtRequests);

        using var resumed = client.Subscribe(cancellationToken: Cancel);
        await resumed.RequestStream.WriteAsync(new FetchRequest { TopicName = PubSubKit.Topic, ReplayPreset = ReplayPreset.Custom, ReplayId = ex.ReplayId, NumRequested = 10 }, Cancel);
        Assert.True(await resumed.ResponseStream.MoveNext(Cancel));
        var third = Assert.Single(resumed.ResponseStream.Current.Events);
        Assert.Equal(kit.Payload(3), third.Event.Payload.ToByteArray());
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task Subscribe_RefusedAgainRightAfterRenewal_ThrowsSessionExpiredInsteadOfRenewingAgain()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        kit.TenantOverride = "00D000000000001AAA";
        using var subscriber = new Subscriber(PubSubKit.Client(services), PubSubKit.Topic);

        await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => subscriber.NextAsync(Cancel));

        // The first refusal renews (the cached token may simply have ended); the renewed token refused at once does not.
        Assert.Single(subscriber.Interruptions);
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task Subscribe_Through20SessionRevocations_ReceivesEveryEventExactlyOnceWithOneRenewalPerRevocation()
    {
        const int Revocations = 20;
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        using var subscriber = new Subscriber(PubSubKit.Client(services), PubSubKit.Topic);
        var received = new List<int>();

        for (var i = 0; i <= Revocations; i++)
        {
            kit.Publish(i);
            var e = await subscriber.NextAsync(Cancel);
            received.Add(BitConverter.ToInt32(e.Event.Payload.Span));
            if (i < Revocations)
            {
                kit.Fake.RevokeAllSessions();
            }
        }

        Assert.Equal(Enumerable.Range(0, Revocations + 1), received);
        Assert.Equal(Revocations, subscriber.Interruptions.Count);
        Assert.Equal(1 + Revocations, kit.JwtRequests);
        Assert.Equal(Revocations, kit.PubSub.UnauthenticatedCalls);
    }

    [Fact]
    public async Task Unary_1000ConcurrentCallsOnAColdCache_MakeOneTokenRequest()
    {
        await using var kit = await PubSubKit.StartAsync();
        await using var services = kit.Services();
        var client = PubSubKit.Client(services);

        var calls = Enumerable.Range(0, 1000).Select(_ => client.GetTopicAsync(new TopicRequest { TopicName = PubSubKit.Topic }, cancellationToken: Cancel).ResponseAsync);
        var topics = await Task.WhenAll(calls);

        Assert.All(topics, t => Assert.Equal(kit.Org.OrgId, t.TenantGuid));
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public void AddSalesforceCallCredentials_NoAddress_DefaultsToThePubSubEndpoint()
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", o => Valid(o));
        services.AddGrpcClient<SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient>().AddSalesforceCallCredentials("crm");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>().Get(nameof(SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient));

        Assert.Equal(new Uri("https://api.pubsub.salesforce.com:7443"), options.Address);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://pubsub.example.com:7443", true)]
    public void AddSalesforceCallCredentials_PlainHttpWithoutTheLoopbackAllowance_FailsNamingTheSetting(string address, bool allowInsecureLoopback)
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", o =>
        {
            Valid(o);
            o.AllowInsecureLoopback = allowInsecureLoopback;
        });
        services.AddGrpcClient<SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient>(o => o.Address = new Uri(address)).AddSalesforceCallCredentials("crm");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>().Get(nameof(SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient)));

        Assert.Contains("Salesforce:Clients:crm:AllowInsecureLoopback", ex.Message, StringComparison.Ordinal);
    }

    private static void Valid(SalesforceClientOptions options)
    {
        options.LoginUrl = new Uri("https://login.salesforce.com");
        options.ClientId = "3MVG9example";
        options.Username = "integration@acme.com";
        options.PrivateKeyPem = EndToEnd.EndToEndKit.Keys.PrivateKeyPem;
    }
}
