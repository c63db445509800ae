using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// The caching handler registered through dependency injection, against the emulator's pods (issue 6, "Shown by";
/// Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm; Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&amp;type=1): requests land on the token's pod, follow an org to a new pod, renew an expired session
/// once, and never carry the token to another host.
/// </summary>
public sealed class HandlerEndToEndTests
{
    private const string Accounts = "/services/data/v62.0/sobjects/Account";

    [Fact]
    public async Task SendAsync_TwoOrgsOnTwoPods_EachClientLandsOnItsOrgsPod()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var globex = kit.Fake.AddOrg("globex", pod: "eu2");
        var globexUser = globex.AddUser("integration@globex.com");
        kit.App.PreAuthorizedUsers.Add(globexUser);
        await using var services = kit.Services(s =>
        {
            s.AddSalesforceClient("acme", o => kit.Configure(o)).AddHttpClient();
            s.AddSalesforceClient("globex", o => kit.Configure(o, globexUser)).AddHttpClient();
        });
        var factory = services.GetRequiredService<IHttpClientFactory>();

        using var acme = await factory.CreateClient("acme").GetAsync(Accounts, EndToEndKit.Cancel);
        using var eu = await factory.CreateClient("globex").GetAsync(Accounts + "?fields=Name", EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, acme.StatusCode);
        Assert.Equal(HttpStatusCode.OK, eu.StatusCode);
        Assert.Equal(new Uri(kit.Org.InstanceUrl, Accounts), acme.RequestMessage!.RequestUri);
        Assert.Equal(new Uri(globex.InstanceUrl, Accounts + "?fields=Name"), eu.RequestMessage!.RequestUri);
        Assert.NotEqual(kit.Org.InstanceUrl.Authority, globex.InstanceUrl.Authority);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 200));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("eu2", 200));
        Assert.Equal(2, kit.Fake.Counters.ApiCalls());
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_OrgMovedToAnotherPod_FollowsItWithOneTokenRequest()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var before = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        kit.Fake.MoveOrg(kit.Org, "eu2");
        using var moved = await client.GetAsync(Accounts, EndToEndKit.Cancel);

        // 401 on the old pod, one renewal, the request rebuilt for the new instance_url (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&type=5, jsforce #196).
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(new Uri(kit.Fake.GetPodUrl("eu2"), Accounts), moved.RequestMessage!.RequestUri);
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("eu2", 200));

        // From now on straight to the new pod, with the cached token.
        using var after = await client.GetAsync(Accounts, EndToEndKit.Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, kit.Fake.Counters.ApiCalls("eu2", 200));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(2, kit.JwtRequests);
    }

    [Theory]
    [InlineData("idle past the session timeout")]
    [InlineData("all sessions revoked")]
    public async Task SendAsync_SessionExpired_RecoversWithExactlyOneTokenRequest(string cause)
    {
        // Salesforce's session timeout (15 min) is shorter than the library's assumed lifetime (110 min), so only the
        // 401 can tell: that is the path under test, not the proactive refresh.
        await using var kit = await EndToEndKit.StartAsync(o => o.SessionLifetime = TimeSpan.FromMinutes(15));
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var first = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        if (cause == "all sessions revoked")
        {
            kit.Fake.RevokeAllSessions();
        }
        else
        {
            kit.Time.Advance(TimeSpan.FromMinutes(16));
        }

        using var renewed = await client.GetAsync(Accounts, EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(2, kit.Fake.Counters.ApiCalls("na1", 200));

        using var next = await client.GetAsync(Accounts, EndToEndKit.Cancel);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_FiftyConcurrentExpiriesOfTheSameToken_RenewOnce()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var barrier = new BarrierHandler.Barrier();
        await using var services = kit.Services(s => s.AddSalesforceClient("crm", o => kit.Configure(o))
            .AddHttpClient()
            .AddHttpMessageHandler(() => new BarrierHandler(barrier)));
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("crm");
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        kit.Fake.RevokeAllSessions();
        const int Callers = 50;
        barrier.Arm(Callers);
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => client.GetAsync(Accounts, EndToEndKit.Cancel))).ToArray();
        var responses = await Task.WhenAll(calls);

        // All 50 reached Salesforce with the revoked token at once (the barrier) and got 401; one renewal served all.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Callers, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(Callers + 1, kit.Fake.Counters.ApiCalls("na1", 200));
        Assert.Equal(2, kit.JwtRequests);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task SendAsync_ThousandParallelColdCallers_MakeOneTokenRequest()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var grantArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Fake.GrantProcessing = (_, ct) =>
        {
            grantArrived.TrySetResult();
            return release.Task.WaitAsync(ct);
        };
        await using var services = kit.Services(s => s.AddSalesforceClient("crm", o => kit.Configure(o)).AddHttpClient());
        var factory = services.GetRequiredService<IHttpClientFactory>();

        const int Callers = 1000;
        var calls = new Task<HttpResponseMessage>[Callers];
        Parallel.For(0, Callers, i => calls[i] = factory.CreateClient("crm").GetAsync(Accounts, EndToEndKit.Cancel));

        // Every caller has joined the one acquisition (the grant is held at Salesforce); only then it completes.
        await grantArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), EndToEndKit.Cancel);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        release.SetResult();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, kit.JwtRequests);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests());
        Assert.Equal(Callers, kit.Fake.Counters.ApiCalls("na1", 200));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task SendAsync_AbsoluteUrlOfAnotherLoopbackHost_ThrowsUntrustedInstanceAndSendsNothing()
    {
        await using var kit = await EndToEndKit.StartAsync();
        await using var trap = TrapServer.Start();
        var (services, client) = kit.Crm();
        await using var _ = services;

        var ex = await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => client.GetAsync(new Uri(trap.Url, Accounts), EndToEndKit.Cancel));
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(trap.Url, Accounts)) { Content = JsonContent.Create(new { Name = "Acme" }) };
        await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => client.SendAsync(post, EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, ex.Reason);
        Assert.Equal(trap.Url.Host, ex.RefusedHost);
        Assert.Equal(0, trap.Connections);
        Assert.Empty(trap.Requests);

        // The client still works for its own instance, and a same-host absolute URL (the pod itself) is allowed.
        using var own = await client.GetAsync(new Uri(kit.Org.InstanceUrl, Accounts), EndToEndKit.Cancel);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(0, trap.Connections);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task SendAsync_PodRedirectsToAnotherHost_IsNotFollowedAndTheTrapSeesNothing(int status)
    {
        await using var kit = await EndToEndKit.StartAsync();
        await using var trap = TrapServer.Start();
        var (services, client) = kit.Crm();
        await using var _ = services;

        kit.Fake.InjectApiFault(FakeFault.Redirect(new Uri(trap.Url, "/collect?from=pod"), status));
        using var response = await client.GetAsync(Accounts, EndToEndKit.Cancel);

        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", status));

        // Automatic redirects are off on Salesforce clients (the default primary handler would follow the redirect
        // below our handler, without the token but still to the other host, and return its answer as Salesforce's):
        // the caller gets the pod's redirect itself and nothing reaches the other host.
        Assert.Empty(trap.Requests);
        Assert.Equal(0, trap.Connections);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(new Uri(trap.Url, "/collect?from=pod"), response.Headers.Location);
        Assert.Equal(new Uri(kit.Org.InstanceUrl, Accounts), response.RequestMessage!.RequestUri);
        Assert.Equal(1, kit.JwtRequests);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task SendAsync_UserPrimaryHandlerFollowsRedirects_NothingReachesTheTrap(int status)
    {
        await using var kit = await EndToEndKit.StartAsync();
        await using var trap = TrapServer.Start();

        // An application that replaces the primary handler after ours asks for automatic redirects. .NET would follow
        // the cross-origin redirect itself (dropping only the Authorization header, not the body or the other headers):
        // redirects are turned off on whatever primary handler the client ends up with, so the caller gets the 3xx.
        await using var services = kit.Services(s => s.AddSalesforceClient("crm", o => kit.Configure(o))
            .AddHttpClient()
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                var handler = kit.Fake.CreateHttpMessageHandler();
                handler.AllowAutoRedirect = true;
                return handler;
            }));
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("crm");
        await services.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: EndToEndKit.Cancel);

        kit.Fake.InjectApiFault(FakeFault.Redirect(new Uri(trap.Url, "/collect?from=pod"), status));
        using var response = await client.PostAsync(Accounts, new StringContent("""{"Name":"Acme"}""", Encoding.UTF8, "application/json"), EndToEndKit.Cancel);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Empty(trap.Requests);
        Assert.Equal(1, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_SessionExpiredWithStreamedBody_ReturnsThe401WithoutRetryAndRenewsOnTheNextRequest()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        kit.Fake.RevokeAllSessions();
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("""{"Name":"Streamed"}"""));
        using var streamed = new HttpRequestMessage(HttpMethod.Post, Accounts) { Content = new StreamContent(body) };
        streamed.Content.Headers.ContentType = new("application/json");
        using var refused = await client.SendAsync(streamed, EndToEndKit.Cancel);

        // The stream was consumed by the first attempt: no replay, no renewal inside this call.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(0, kit.Fake.Counters.ApiCalls("na1", 201));
        Assert.Equal(1, kit.JwtRequests);

        // The rejected token was evicted, so the next request gets a new one first.
        using var created = await client.PostAsync(Accounts, new StringContent("""{"Name":"Buffered"}""", Encoding.UTF8, "application/json"), EndToEndKit.Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
    }

    [Fact]
    public async Task SendAsync_SessionExpiredWithBufferedBody_IsReplayedOnceAfterRenewal()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        kit.Fake.RevokeAllSessions();
        using var created = await client.PostAsJsonAsync(Accounts, new { Name = "Replayed" }, EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 201));
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_UnrecognisedPlainText401_IsTreatedAsExpiredSessionAndRetriedOnce()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // A 401 without a recognisable body (the emulator's status fault answers plain text): the classifier treats it
        // as an expired session by design (RestErrorClassifier, Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm) — one renewal, one retry, bounded.
        kit.Fake.InjectApiFault(FakeFault.Status(401));
        using var response = await client.GetAsync(Accounts, EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(2, kit.Fake.Counters.ApiCalls("na1", 200));
        Assert.Equal(2, kit.JwtRequests);

        // Twice in a row is not retried twice: the second 401 after the renewal surfaces as the typed error.
        kit.Fake.InjectApiFault(FakeFault.Status(401), count: 2);
        await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => client.GetAsync(Accounts, EndToEndKit.Cancel));
        Assert.Equal(3, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(3, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_SessionRejectedAgainAfterRenewal_ThrowsSessionExpiredWithoutLooping()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Every session is revoked as soon as it is issued (an admin policy, or another process revoking tokens).
        kit.Fake.RevokeAllSessions();
        kit.Fake.RequestCompleted += (_, entry) =>
        {
            if (entry.GrantType is not null)
            {
                kit.Fake.RevokeAllSessions();
            }
        };

        var ex = await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => client.GetAsync(Accounts, EndToEndKit.Cancel));

        Assert.Equal(SalesforceReason.SessionExpired, ex.Reason);
        Assert.Equal(2, kit.Fake.Counters.ApiCalls("na1", 401));
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_PerRequestUser_GetsASecondTokenForThatUserOnTheSamePod()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var second = kit.Org.AddUser("reporting@acme.com");
        kit.App.PreAuthorizedUsers.Add(second);
        var (services, client) = kit.Crm();
        await using var _ = services;

        using var asConfigured = await client.GetAsync(Accounts, EndToEndKit.Cancel);
        using var asSecond = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Accounts).SetSalesforceUsername(second.Username), EndToEndKit.Cancel);
        using var asSecondAgain = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Accounts).SetSalesforceUsername(second.Username), EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, asConfigured.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asSecond.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asSecondAgain.StatusCode);
        Assert.Equal(3, kit.Fake.Counters.ApiCalls("na1", 200));
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(asConfigured.RequestMessage!.RequestUri, asSecond.RequestMessage!.RequestUri);
        Assert.NotEqual(asConfigured.RequestMessage.Headers.Authorization!.Parameter, asSecond.RequestMessage.Headers.Authorization!.Parameter);
        Assert.Equal(asSecond.RequestMessage.Headers.Authorization!.Parameter, asSecondAgain.RequestMessage!.Headers.Authorization!.Parameter);

        // The second token is the second user's session (its identity URL names that user).
        var provider = services.GetRequiredService<ISalesforceTokenProvider>();
        var token = await provider.GetTokenAsync("crm", new SalesforceTokenRequest { Username = second.Username }, cancellationToken: EndToEndKit.Cancel);
        Assert.EndsWith("/" + second.UserId, token.IdentityUrl!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(2, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_PerRequestUserSessionExpired_RenewsOnlyThatUsersToken()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var second = kit.Org.AddUser("reporting@acme.com");
        kit.App.PreAuthorizedUsers.Add(second);
        var (services, client) = kit.Crm();
        await using var _ = services;
        var provider = services.GetRequiredService<ISalesforceTokenProvider>();
        var asSecond = new SalesforceTokenRequest { Username = second.Username };
        var configuredToken = await provider.GetTokenAsync("crm", cancellationToken: EndToEndKit.Cancel);
        var secondToken = await provider.GetTokenAsync("crm", asSecond, cancellationToken: EndToEndKit.Cancel);

        kit.Fake.RevokeAllSessions();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Accounts).SetSalesforceUsername(second.Username), EndToEndKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, kit.JwtRequests);
        var renewed = await provider.GetTokenAsync("crm", asSecond, cancellationToken: EndToEndKit.Cancel);
        Assert.NotEqual(secondToken.AccessToken, renewed.AccessToken);
        Assert.EndsWith("/" + second.UserId, renewed.IdentityUrl!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("Bearer " + renewed.AccessToken, response.RequestMessage!.Headers.Authorization!.ToString());

        // The configured user's entry was not touched by the other user's renewal.
        Assert.Same(configuredToken, await provider.GetTokenAsync("crm", cancellationToken: EndToEndKit.Cancel));
        Assert.Equal(3, kit.JwtRequests);
    }

    [Fact]
    public async Task SendAsync_PastSoftLifetimeUnderLoad_NoCallerWaitsForTheBackgroundRefresh()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var (services, client) = kit.Crm();
        await using var _ = services;
        using (var warm = await client.GetAsync(Accounts, EndToEndKit.Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var grantArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var grantDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Fake.GrantProcessing = (_, ct) =>
        {
            grantArrived.TrySetResult();
            return release.Task.WaitAsync(ct);
        };
        kit.Fake.RequestCompleted += (_, entry) =>
        {
            if (entry.GrantType is not null)
            {
                grantDone.TrySetResult();
            }
        };

        // Past the library's soft lifetime (110 min minus up to 5 min jitter), within Salesforce's 2 h idle timeout.
        kit.Time.Advance(TimeSpan.FromMinutes(111));
        const int Callers = 100;
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => client.GetAsync(Accounts, EndToEndKit.Cancel))).ToArray();

        // All callers finish with the current token while the one background refresh is held at Salesforce.
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30), EndToEndKit.Cancel);
        await grantArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), EndToEndKit.Cancel);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.False(release.Task.IsCompleted);
        Assert.Equal(Callers + 1, kit.Fake.Counters.ApiCalls("na1", 200));

        release.SetResult();
        await grantDone.Task.WaitAsync(TimeSpan.FromSeconds(30), EndToEndKit.Cancel);
        using var after = await client.GetAsync(Accounts, EndToEndKit.Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, kit.JwtRequests);
        Assert.Equal(0, kit.Fake.Counters.ApiCalls("na1", 401));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
