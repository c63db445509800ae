using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tests.Tokens;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Http;

/// <summary>
/// What the handler does beside the answer: every refusal counted and logged, every answer it does not hand out disposed
/// (an undisposed response holds its connection), renewals logged, and API usage read from whichever answer arrived.
/// </summary>
public sealed class HandlerSideEffectTests
{
    private const int ForeignHostRefusedEvent = 2001;
    private const int SessionExpiredRenewingEvent = 2002;
    private const int SessionNotValidForApiEvent = 2003;
    private const int SessionExpiredNotReplayableEvent = 2004;
    private const int SessionExpiredAfterRenewalEvent = 2005;

    private static readonly Uri Pod1 = new("https://pod1.my.salesforce.com");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedirectFollowed_RefusalCountedLoggedAndTheAnswerDisposed()
    {
        using var env = new Env();
        var answer = new TrackedContent();
        env.Terminal.Respond = request =>
        {
            request.RequestUri = new Uri("https://attacker.example/collect");
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = answer };
        };

        await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => env.Client.GetAsync("/services/data/v62.0/limits", Ct));

        Assert.True(answer.Disposed);
        Assert.Equal(1, env.Refusals.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == ForeignHostRefusedEvent && l.Message.Contains("attacker.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedirectFollowedOnTheRetryAfterRenewal_RefusedLikeTheFirstAttempt()
    {
        using var env = new Env();
        var calls = 0;
        env.Terminal.Respond = request =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                return RecordingHandler.SessionExpired();
            }

            request.RequestUri = new Uri("https://attacker.example/collect");
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
        };

        var error = await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => env.Client.GetAsync("/services/data/v62.0/limits", Ct));

        Assert.Equal("attacker.example", error.RefusedHost);
        Assert.Equal(1, env.Refusals.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task UntrustedTarget_RefusalCountedAndLogged()
    {
        using var env = new Env();

        await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => env.Client.GetAsync("https://evil.example.com/services/data", Ct));

        Assert.Equal(1, env.Refusals.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == ForeignHostRefusedEvent && l.Message.Contains("evil.example.com", StringComparison.Ordinal));
        Assert.Empty(env.Terminal.Sent);
    }

    [Fact]
    public async Task InsecureInstance_RefusalCounted()
    {
        using var env = new Env();
        env.Source.Instance = _ => new Uri("http://pod1.my.salesforce.com");

        await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => env.Client.GetAsync("/services/data", Ct));

        Assert.Equal(1, env.Refusals.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task SessionExpired_RenewalLoggedAndTheRefusedAnswerDisposed()
    {
        using var env = new Env();
        var refused = new TrackedContent();
        var calls = 0;
        env.Terminal.Respond = _ => Interlocked.Increment(ref calls) == 1
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = refused }
            : new HttpResponseMessage(HttpStatusCode.OK);

        using var response = await env.Client.GetAsync("/services/data", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(refused.Disposed);
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == SessionExpiredRenewingEvent && l.Message.Contains(Pod1.Host, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SessionExpiredAgainAfterRenewal_LoggedAsAnErrorAndTheSecondAnswerDisposed()
    {
        using var env = new Env();
        var answers = new List<TrackedContent>();
        env.Terminal.Respond = _ =>
        {
            var content = new TrackedContent();
            lock (answers)
            {
                answers.Add(content);
            }

            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = content };
        };

        await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => env.Client.GetAsync("/services/data", Ct));

        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => Assert.True(a.Disposed));
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == SessionExpiredAfterRenewalEvent && l.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task SessionNotValidForApi_Logged()
    {
        using var env = new Env();
        env.Terminal.Respond = _ => RecordingHandler.NotValidForApi();

        using var response = await env.Client.GetAsync("/services/data", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == SessionNotValidForApiEvent);
    }

    [Fact]
    public async Task SessionExpiredWithABodyThatCannotBeSentTwice_Logged()
    {
        using var env = new Env();
        env.Terminal.Respond = _ => RecordingHandler.SessionExpired();

        using var response = await env.Client.PostAsync("/services/data/v62.0/sobjects/Account", new StreamContent(new MemoryStream([1, 2, 3])), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(env.Logs.Lines, l => l.EventId.Id == SessionExpiredNotReplayableEvent);
    }

    [Theory]
    [InlineData("hot path: cached token, answer at once")]
    [InlineData("first answer after the token was requested")]
    [InlineData("retry after renewal")]
    public async Task ApiUsage_ReadFromTheAnswerTheCallerGets(string path)
    {
        using var env = new Env();
        if (path.StartsWith("hot", StringComparison.Ordinal))
        {
            using var warmUp = await env.Client.GetAsync("/warm-up", Ct);
        }

        var calls = 0;
        env.Terminal.Respond = _ =>
        {
            var response = path.StartsWith("retry", StringComparison.Ordinal) && Interlocked.Increment(ref calls) == 1
                ? RecordingHandler.SessionExpired()
                : new HttpResponseMessage(HttpStatusCode.OK);
            response.Headers.Add(ApiUsageTracker.HeaderName, "api-usage=42/15000");
            return response;
        };

        using var answer = await env.Client.GetAsync("/services/data", Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(42, env.Manager.ApiUsage.Current?.Used);
        Assert.Equal(15000, env.Manager.ApiUsage.Current?.Limit);
    }

    [Fact]
    public async Task RelativeUriWithLeadingSlashWithoutBaseAddress_OneSlashAfterTheInstance()
    {
        using var env = new Env();
        using var invoker = new HttpMessageInvoker(env.Handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/services/data/v62.0/limits", UriKind.Relative));

        using var response = await invoker.SendAsync(request, Ct);

        Assert.Equal("https://pod1.my.salesforce.com/services/data/v62.0/limits", Assert.Single(env.Terminal.Sent).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task EmptyUsernameOption_TheConnectionsOwnPrincipal()
    {
        using var env = new Env();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data");
        request.Options.Set(SalesforceRequestOptions.Username, string.Empty);

        using var response = await env.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single(env.Source.Requests));
    }

    /// <summary>Content that records its disposal.</summary>
    private sealed class TrackedContent() : StringContent("[]")
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private sealed class Env : IDisposable
    {
        private readonly TestMeterFactory _meters = new();

        public Env()
        {
            var metrics = new SalesforceMetrics(_meters);
            Refusals = new MetricCollector<long>(_meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.ForeignHostRefusals);
            var logger = Logs.CreateLogger("handler");
            Manager = new SalesforceTokenManager("crm", TestManagers.Options(), () => Source, new SalesforceTokenCache(), TimeProvider.System, logger, metrics);
            Handler = new SalesforceAuthenticationHandler(Manager, metrics, logger) { InnerHandler = Terminal };
            Client = new HttpClient(Handler, disposeHandler: false) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };
        }

        public FakeTokenSource Source { get; } = new();

        public RecordingHandler Terminal { get; } = new();

        public CapturingLoggerFactory Logs { get; } = new();

        public MetricCollector<long> Refusals { get; }

        public SalesforceTokenManager Manager { get; }

        public SalesforceAuthenticationHandler Handler { get; }

        public HttpClient Client { get; }

        public void Dispose()
        {
            Client.Dispose();
            Handler.Dispose();
            Manager.Dispose();
            Refusals.Dispose();
            _meters.Dispose();
        }
    }
}
