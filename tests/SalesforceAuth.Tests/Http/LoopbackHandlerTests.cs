using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SalesforceAuth.Tests.Http;

/// <summary>The handler over real loopback sockets: two "pods" and a trap server.</summary>
public sealed class LoopbackHandlerTests : IDisposable
{
    private readonly WireMockServer _pod1 = WireMockServer.Start();
    private readonly WireMockServer _pod2 = WireMockServer.Start();
    private readonly WireMockServer _trap = WireMockServer.Start();

    public LoopbackHandlerTests()
    {
        Ok(_pod1, "pod1");
        Ok(_pod2, "pod2");
        Ok(_trap, "trap");
    }

    [Fact]
    public async Task SendAsync_TwoPods_CallLandsOnTheTokensPodAndFollowsAMoveAfterSessionExpiry()
    {
        var source = new FakeTokenSource { Instance = n => new Uri(n == 1 ? _pod1.Url! : _pod2.Url!) };
        using var client = CreateClient(source);

        var first = await client.GetStringAsync("/services/data/v62.0/query?q=SELECT+Id+FROM+Account", TestContext.Current.CancellationToken);
        Assert.Equal("pod1", first);

        // The org moved: the old pod now answers every request with INVALID_SESSION_ID (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&type=5).
        _pod1.Reset();
        _pod1.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
            .WithBody("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        var second = await client.GetStringAsync("/services/data/v62.0/query?q=SELECT+Id+FROM+Account", TestContext.Current.CancellationToken);

        Assert.Equal("pod2", second);
        Assert.Equal(2, source.Calls);
        var onPod2 = Assert.Single(_pod2.LogEntries);
        Assert.Equal("/services/data/v62.0/query", onPod2.RequestMessage.Path);
        Assert.Equal("SELECT Id FROM Account", onPod2.RequestMessage.Query!["q"].ToString());
        Assert.Equal($"Bearer {FakeTokenSource.TokenValue(2)}", onPod2.RequestMessage.Headers!["Authorization"].ToString());
        Assert.Empty(_trap.LogEntries);
    }

    [Fact]
    public async Task SendAsync_AbsoluteUrlToTrapServer_TrapReceivesNothing()
    {
        var source = new FakeTokenSource { Instance = _ => new Uri(_pod1.Url!) };
        using var client = CreateClient(source);
        await client.GetStringAsync("/warm", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync(new Uri(new Uri(_trap.Url!), "/services/data?steal=1"), TestContext.Current.CancellationToken));
        var viaIp = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync(new Uri($"http://127.0.0.1:{_trap.Port}/services/data"), TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, viaIp.Reason);
        Assert.Empty(_trap.LogEntries);
        Assert.All(_pod1.LogEntries, e => Assert.Equal("/warm", e.RequestMessage.Path));
    }

    [Fact]
    public async Task SendAsync_LoopbackHttpWithoutOptIn_Refused()
    {
        var source = new FakeTokenSource { Instance = _ => new Uri(_pod1.Url!) };
        var handler = new SalesforceAuthenticationHandler(TestManagers.Create(source, options: TestManagers.Options(allowInsecureLoopback: false)), new SalesforceMetrics(null), NullLogger.Instance) { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(handler) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync("/services/data", TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Empty(_pod1.LogEntries);
    }

    [Fact]
    public async Task SendAsync_SessionExpiredWithStreamBodyOverSockets_NotRetried()
    {
        _pod1.Reset();
        _pod1.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(401)
            .WithBody("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        var source = new FakeTokenSource { Instance = _ => new Uri(_pod1.Url!) };
        using var client = CreateClient(source);
        using var body = new StreamContent(new MemoryStream(new byte[1024]));

        using var response = await client.PostAsync("/services/data/v62.0/sobjects/Attachment", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(_pod1.LogEntries);
        Assert.Equal(1, source.Calls);
    }

    public void Dispose()
    {
        _pod1.Dispose();
        _pod2.Dispose();
        _trap.Dispose();
    }

    private static void Ok(WireMockServer server, string body) =>
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody(body));

    private static HttpClient CreateClient(FakeTokenSource source)
    {
        var handler = new SalesforceAuthenticationHandler(TestManagers.Create(source, options: TestManagers.Options(allowInsecureLoopback: true)), new SalesforceMetrics(null), NullLogger.Instance)
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        return new HttpClient(handler) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };
    }
}
