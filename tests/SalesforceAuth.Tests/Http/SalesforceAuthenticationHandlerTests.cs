using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Errors;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.Tokens;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Http;

public sealed class SalesforceAuthenticationHandlerTests
{
    private static readonly Uri Pod1 = new("https://pod1.my.salesforce.com");
    private static readonly Uri Pod2 = new("https://pod2.my.salesforce.com");

    [Fact]
    public async Task SendAsync_RelativeUri_RewrittenToInstanceKeepingPathAndQuery()
    {
        var (client, terminal, source, _) = Create();

        using var response = await client.GetAsync("/services/data/v62.0/query?q=SELECT+Id+FROM+Account", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (uri, auth) = Assert.Single(terminal.Sent);
        Assert.Equal("https://pod1.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Account", uri.AbsoluteUri);
        Assert.Equal("Bearer", auth?.Scheme);
        Assert.Equal(FakeTokenSource.TokenValue(1), auth?.Parameter);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task SendAsync_RelativeUriWithoutBaseAddress_RewrittenToInstance()
    {
        var (client, terminal, _, handler) = Create();
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("services/data/v62.0/sobjects/Account", UriKind.Relative));

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("https://pod1.my.salesforce.com/services/data/v62.0/sobjects/Account", Assert.Single(terminal.Sent).Uri.AbsoluteUri);
        GC.KeepAlive(client);
    }

    [Fact]
    public async Task SendAsync_AbsoluteInstanceUri_SentWithToken()
    {
        var (client, terminal, _, _) = Create();

        using var response = await client.GetAsync(new Uri(Pod1, "/services/data/v62.0/limits"), TestContext.Current.CancellationToken);

        Assert.NotNull(Assert.Single(terminal.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_ApiInstanceUri_SentWithToken()
    {
        var (client, terminal, source, _) = Create();
        var api = new Uri("https://api.salesforce.com");
        var manager = TestManagers.Create(source);
        manager.DefaultEntry.Current = CachedToken.Create(new SalesforceToken("00D000000000001!x", Pod1) { ApiInstanceUrl = api, ObtainedAt = DateTimeOffset.UnixEpoch.AddYears(60) }, TimeSpan.FromDays(365 * 100), DateTimeOffset.UnixEpoch.AddYears(60), 0);
        using var apiClient = new HttpClient(new SalesforceAuthenticationHandler(manager, new SalesforceMetrics(null), NullLogger.Instance) { InnerHandler = terminal });

        using var response = await apiClient.GetAsync(new Uri(api, "/einstein/platform/v1/models"), TestContext.Current.CancellationToken);

        Assert.Equal("api.salesforce.com", Assert.Single(terminal.Sent).Uri.Host);
        GC.KeepAlive(client);
    }

    [Theory]
    [InlineData("https://evil.example.com/services/data")]
    [InlineData("https://pod1.my.salesforce.com:8443/services/data")]
    [InlineData("http://pod1.my.salesforce.com/services/data")]
    [InlineData("https://pod2.my.salesforce.com/services/data")]
    public async Task SendAsync_AbsoluteForeignUri_FailsClosedAndSendsNothing(string target)
    {
        var (client, terminal, _, _) = Create();

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync(new Uri(target), TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Empty(terminal.Sent);
        Assert.DoesNotContain("token1", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HttpInstanceNotLoopback_Refused()
    {
        var (client, terminal, source, _) = Create();
        source.Instance = _ => new Uri("http://pod1.my.salesforce.com");

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync("/services/data", TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Empty(terminal.Sent);
        Assert.Equal("pod1.my.salesforce.com", Assert.IsType<SalesforceUntrustedInstanceException>(error).RefusedHost);
        Assert.NotEmpty(error.Diagnosis.Remedies);
    }

    [Fact]
    public async Task SendAsync_SessionExpired_RenewsOnceAndRetriesOnNewInstance()
    {
        var (client, terminal, source, _) = Create();
        source.Instance = n => n == 1 ? Pod1 : Pod2;
        terminal.Respond = r => r.RequestUri!.Host == Pod1.Host ? RecordingHandler.SessionExpired() : new HttpResponseMessage(HttpStatusCode.OK);

        using var response = await client.PostAsync("/services/data/v62.0/sobjects/Account?x=1", new StringContent("{\"Name\":\"Acme\"}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, source.Calls);
        Assert.Collection(
            terminal.Sent,
            first => Assert.Equal("https://pod1.my.salesforce.com/services/data/v62.0/sobjects/Account?x=1", first.Uri.AbsoluteUri),
            second =>
            {
                Assert.Equal("https://pod2.my.salesforce.com/services/data/v62.0/sobjects/Account?x=1", second.Uri.AbsoluteUri);
                Assert.Equal(FakeTokenSource.TokenValue(2), second.Authorization?.Parameter);
            });
    }

    [Fact]
    public async Task SendAsync_SessionExpiredTwice_ThrowsSessionExpiredWithoutLooping()
    {
        var (client, terminal, source, _) = Create();
        terminal.Respond = _ => RecordingHandler.SessionExpired();

        var error = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync("/services/data", TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.SessionExpired, error.Reason);
        Assert.Equal(2, source.Calls);
        Assert.Equal(2, terminal.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_SessionNotValidForRestApi_ReturnedWithoutRenewal()
    {
        var (client, terminal, source, _) = Create();
        terminal.Respond = _ => RecordingHandler.NotValidForApi();

        using var response = await client.GetAsync("/services/data", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid for use", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(1, source.Calls);
        Assert.Single(terminal.Sent);
    }

    [Fact]
    public async Task SendAsync_SessionExpiredWithStreamBody_NotRetriedAndTokenEvicted()
    {
        var (client, terminal, source, _) = Create();
        terminal.Respond = _ => RecordingHandler.SessionExpired();
        using var body = new StreamContent(new MemoryStream([1, 2, 3]));

        using var response = await client.PostAsync("/services/data/v62.0/sobjects/ContentVersion", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(terminal.Sent);
        Assert.Equal(1, source.Calls);

        terminal.Respond = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var next = await client.GetAsync("/services/data", TestContext.Current.CancellationToken);
        Assert.Equal(2, source.Calls);
        Assert.Equal(FakeTokenSource.TokenValue(2), terminal.Sent[^1].Authorization?.Parameter);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("json")]
    [InlineData("multipart")]
    public async Task SendAsync_SessionExpiredWithBufferedBody_RenewedAndTheSameBodySentAgain(string kind)
    {
        var (client, terminal, source, _) = Create();
        var bodies = new List<string>();
        terminal.RespondAsync = async request =>
        {
            bodies.Add(await request.Content!.ReadAsStringAsync(TestContext.Current.CancellationToken));
            return bodies.Count == 1 ? RecordingHandler.SessionExpired() : new HttpResponseMessage(HttpStatusCode.OK);
        };
        using HttpContent body = kind switch
        {
            "memory" => new ReadOnlyMemoryContent("{\"Name\":\"Acme\"}"u8.ToArray()),
            "json" => JsonContent.Create(new { Name = "Acme" }),
            _ => new MultipartContent { new StringContent("{\"Name\":\"Acme\"}"), new ReadOnlyMemoryContent(new byte[] { 1, 2, 3 }) },
        };

        using var response = await client.PostAsync("/services/data/v62.0/sobjects/Account", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, source.Calls);
        Assert.Equal(2, bodies.Count);
        Assert.Contains("Acme", bodies[0], StringComparison.Ordinal);
        Assert.Equal(bodies[0], bodies[1]);
    }

    [Theory]
    // Neither "session expired" nor "not renewable": a limit or a permission error is the caller's to handle, and a
    // new token would not change it.
    [InlineData(HttpStatusCode.Forbidden, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""")]
    [InlineData(HttpStatusCode.Forbidden, """[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]""")]
    public async Task SendAsync_AuthStatusThatIsNoSessionError_ReturnedWithoutRenewal(HttpStatusCode status, string body)
    {
        var (client, terminal, source, _) = Create();
        terminal.Respond = _ => RecordingHandler.Json(status, body);

        using var response = await client.GetAsync("/services/data/v62.0/limits", TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, source.Calls);
        Assert.Single(terminal.Sent);

        // The token was not evicted either: the next call reuses it.
        terminal.Respond = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var next = await client.GetAsync("/services/data", TestContext.Current.CancellationToken);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task SendAsync_ConcurrentExpiriesOfSameToken_OneRenewal()
    {
        var (client, terminal, source, _) = Create();
        source.Instance = n => n == 1 ? Pod1 : Pod2;
        using var warm = await client.GetAsync("/warm", TestContext.Current.CancellationToken);
        var allOnPod1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var onPod1 = 0;
        terminal.RespondAsync = async r =>
        {
            if (r.RequestUri!.Host != Pod1.Host)
            {
                return new HttpResponseMessage(HttpStatusCode.OK);
            }

            // Hold every request until all 20 were sent with the first token, then expire them together.
            if (Interlocked.Increment(ref onPod1) == 20)
            {
                allOnPod1.SetResult();
            }

            await allOnPod1.Task;
            return RecordingHandler.SessionExpired();
        };

        var calls = Enumerable.Range(0, 20).Select(_ => client.GetAsync("/services/data", TestContext.Current.CancellationToken)).ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, source.Calls);
        Assert.Equal(41, terminal.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_PerRequestUsername_UsesThatPrincipalsToken()
    {
        var (client, terminal, source, _) = Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data").SetSalesforceUsername("jane@acme.com");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("jane@acme.com", Assert.Single(source.Requests)?.Username);
        Assert.Single(terminal.Sent);
    }

    [Fact]
    public async Task SendAsync_NonAsciiUsernameInTheRequestOptions_ArgumentExceptionAndNothingSent()
    {
        var (client, terminal, source, _) = Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data");

        // SetSalesforceUsername refuses it at once; set directly, the cache key refuses it before any token is sought.
        Assert.Throws<ArgumentException>(() => request.SetSalesforceUsername("\u017Fales@acme.com"));
        request.Options.Set(SalesforceRequestOptions.Username, "\u017Fales@acme.com");
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal(0, source.Calls);
        Assert.Empty(terminal.Sent);
    }

    [Fact]
    public async Task SendAsync_NoTokenObtainable_TypedExceptionPropagatesAndNothingSent()
    {
        var (client, terminal, source, _) = Create();
        source.Failure = _ => new SalesforceAuthenticationException("consumer not approved", null, new SalesforceErrorDetails { Reason = SalesforceReason.ConsumerNotApproved });

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => client.GetAsync("/services/data", TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.ConsumerNotApproved, error.Reason);
        Assert.Empty(terminal.Sent);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", 1)]
    [InlineData(HttpStatusCode.Unauthorized, """[{"message":"INVALID_JWT_FORMAT","errorCode":"INVALID_AUTH_HEADER"}]""", 1)]
    [InlineData(HttpStatusCode.Forbidden, "Bad_OAuth_Token", 1)]
    [InlineData(HttpStatusCode.Unauthorized, """[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]""", 2)]
    [InlineData(HttpStatusCode.Unauthorized, """[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]""", 2)]
    [InlineData(HttpStatusCode.Forbidden, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", 0)]
    [InlineData(HttpStatusCode.Unauthorized, "<html>nope</html>", 1)]
    [InlineData(HttpStatusCode.Unauthorized, "[not json", 1)]
    public void Classify_RestErrorBodies(HttpStatusCode status, string body, int expected) =>
        Assert.Equal((RestAuthFailure)expected, RestAuthErrorClassifier.Classify(status, body));

    [Fact]
    public void IsReplayable_BufferedYes_StreamNo()
    {
        Assert.True(SalesforceAuthenticationHandler.IsReplayable(null));
        Assert.True(SalesforceAuthenticationHandler.IsReplayable(new StringContent("x")));
        Assert.True(SalesforceAuthenticationHandler.IsReplayable(new FormUrlEncodedContent([])));
        Assert.False(SalesforceAuthenticationHandler.IsReplayable(new StreamContent(Stream.Null)));
        Assert.False(SalesforceAuthenticationHandler.IsReplayable(new MultipartContent { new StringContent("a"), new StreamContent(Stream.Null) }));
    }

    [Fact]
    public async Task SendAsync_InnerHandlerFollowedARedirectToAnotherHost_AnswerRefused()
    {
        var (client, terminal, _, _) = Create();
        terminal.Respond = request =>
        {
            // What a redirect-following primary handler does: the request now names the host that answered.
            request.RequestUri = new Uri("https://attacker.example/collect");
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent("not Salesforce") };
        };

        var error = await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => client.GetAsync("/services/data/v62.0/limits", TestContext.Current.CancellationToken));

        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, error.Reason);
        Assert.Equal("attacker.example", error.RefusedHost);
        Assert.Equal("attacker.example", error.Diagnosis.Facts[SalesforceDiagnosisFacts.RefusedHost]);
        Assert.NotEmpty(error.Diagnosis.Remedies);
    }

    [Fact]
    public async Task SendAsync_InnerHandlerFollowedARedirectOnTheSameInstance_AnswerKept()
    {
        var (client, terminal, _, _) = Create();
        terminal.Respond = request =>
        {
            request.RequestUri = new Uri(Pod1, "/services/data/v63.0/limits");
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
        };

        using var response = await client.GetAsync("/services/data/v62.0/limits", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Constructor_NoConnectionOfItsOwnAndNoneToChooseFrom_Refused() =>
        Assert.Throws<ArgumentNullException>("connections", () => new SalesforceAuthenticationHandler(null, null, new SalesforceMetrics(null), NullLogger.Instance));

    [Fact]
    public async Task SendAsync_ConnectionNamedOnASingleConnectionHandler_SaysItNeedsADependencyInjectionClientAndSendsNothing()
    {
        var (_, terminal, source, handler) = Create();
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/").SetSalesforceConnection("tenant-42");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("SetSalesforceConnection needs a client registered by dependency injection", error.Message, StringComparison.Ordinal);
        Assert.Empty(terminal.Sent);
        Assert.Equal(0, source.Calls);
    }

    [Fact]
    public async Task SendAsync_EmptyConnectionOption_TheHandlersOwnConnection()
    {
        var (client, terminal, source, _) = Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/");
        request.Options.Set(SalesforceRequestOptions.Connection, string.Empty);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Pod1.Host, Assert.Single(terminal.Sent).Uri.Host);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task SendAsync_TokenStillBeingRequested_ReturnsAPendingTaskWithoutBlockingTheCaller()
    {
        var (client, terminal, source, _) = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Gate = gate;
        try
        {
            // Started on another thread: a handler that waited for the token synchronously would not return from here.
            var sending = await Task.Factory.StartNew(
                    () => client.GetAsync("/services/data/", TestContext.Current.CancellationToken),
                    TestContext.Current.CancellationToken,
                    TaskCreationOptions.None,
                    TaskScheduler.Default)
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await source.WhenCalled(1).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.False(sending.IsCompleted);
            Assert.Empty(terminal.Sent);
            gate.SetResult();
            using var response = await sending.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(FakeTokenSource.TokenValue(1), Assert.Single(terminal.Sent).Authorization?.Parameter);
        }
        finally
        {
            // A handler that did block holds a thread-pool thread until the token arrives: let it go either way.
            gate.TrySetResult();
        }
    }

    private static (HttpClient Client, RecordingHandler Terminal, FakeTokenSource Source, SalesforceAuthenticationHandler Handler) Create()
    {
        var source = new FakeTokenSource();
        var terminal = new RecordingHandler();
        var handler = new SalesforceAuthenticationHandler(TestManagers.Create(source), new SalesforceMetrics(null), NullLogger.Instance) { InnerHandler = terminal };
        var client = new HttpClient(handler) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };
        return (client, terminal, source, handler);
    }
}
