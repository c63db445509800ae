using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>
/// With a consumer secret, the cached provider hands a new token out after the token request alone and learns its real
/// expiry by introspection in the background (issue 20: a cold acquisition is one round trip, not two).
/// </summary>
public sealed class BackgroundIntrospectionFlowTests
{
    private const int ExpiryRefinedEvent = 3005;
    private const int IntrospectionFailedEvent = 1103;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => FlowKit.Cancel;

    [Fact]
    public async Task GetTokenAsync_ColdWithIntrospectionHeldBack_TokenAfterOneRoundTripThenLearnedExpiryApplied()
    {
        await using var kit = await FlowKit.StartAsync(o => o.SessionLifetime = TimeSpan.FromMinutes(30));
        var hold = new IntrospectionHold();
        var logs = new SignalingLoggerProvider();
        await using var provider = Build(kit, hold, logs);
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();
        var configured = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SalesforceClientOptions>>().Get("acme");

        var first = await tokens.GetTokenAsync("acme", cancellationToken: Ct).AsTask().WaitAsync(Wait, Ct);
        await hold.Arrived.Task.WaitAsync(Wait, Ct);

        // Handed out while the introspection request is still held in the client: one round trip, the estimate as expiry.
        Assert.DoesNotContain(kit.Fake.RequestLog, e => e.Path == "/services/oauth2/introspect");
        Assert.False(first.HasKnownExpiry);
        Assert.Equal(FlowKit.Start + configured.SessionLifetime, first.ExpiresAt);

        hold.Release.SetResult();
        await logs.When(ExpiryRefinedEvent).WaitAsync(Wait, Ct);
        var refined = await tokens.GetTokenAsync("acme", cancellationToken: Ct);

        Assert.Equal(first.AccessToken, refined.AccessToken);
        Assert.True(refined.HasKnownExpiry);
        Assert.Equal(FlowKit.Start + TimeSpan.FromMinutes(30) - SalesforceTokenClient.IntrospectionSafetyMargin, refined.ExpiresAt);

        // The learned expiry is the cache's hard limit now: well before the 110-minute estimate, a new token is obtained.
        hold.Passthrough = true;
        kit.Time.Advance(TimeSpan.FromMinutes(30));
        var renewed = await tokens.GetTokenAsync("acme", cancellationToken: Ct);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(2, kit.Fake.Counters.TokenRequests("client_credentials", "success"));
    }

    [Fact]
    public async Task GetTokenAsync_IntrospectionRefused_TokenServedWithTheSessionLifetimeEstimateAndWarningLogged()
    {
        await using var kit = await FlowKit.StartAsync();
        var logs = new SignalingLoggerProvider();
        await using var provider = Build(kit, hold: null, logs);
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();

        // The token is obtained, then the app's secret changes: the background introspection is refused.
        kit.Fake.RequestCompleted += (_, e) =>
        {
            if (e.GrantType == "client_credentials")
            {
                kit.App.ConsumerSecret = "ROTATED";
            }
        };
        var first = await tokens.GetTokenAsync("acme", cancellationToken: Ct);
        await logs.When(IntrospectionFailedEvent).WaitAsync(Wait, Ct);
        var again = await tokens.GetTokenAsync("acme", cancellationToken: Ct);

        Assert.Same(first, again);
        Assert.False(again.HasKnownExpiry);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests("client_credentials", "success"));
        Assert.DoesNotContain(logs.EventIds, id => id == ExpiryRefinedEvent);
    }

    private static ServiceProvider Build(FlowKit kit, IntrospectionHold? hold, SignalingLoggerProvider logs)
    {
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSalesforceClient("acme", o => kit.Configure(o, SalesforceFlow.ClientCredentials, c => c.UseIntrospection = true));
        if (hold is not null)
        {
            services.AddHttpClient("SalesforceAuth.TokenEndpoint").AddHttpMessageHandler(() => new HoldingHandler(hold));
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Holds introspection requests in the client until released (the token endpoint passes).</summary>
    private sealed class IntrospectionHold
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Passthrough;
    }

    private sealed class HoldingHandler(IntrospectionHold hold) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!hold.Passthrough && request.RequestUri!.AbsolutePath.EndsWith("/introspect", StringComparison.Ordinal))
            {
                hold.Arrived.TrySetResult();
                await hold.Release.Task.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Records event ids and lets a test wait for the first of one.</summary>
    private sealed class SignalingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _seen = new();

        public ConcurrentQueue<int> EventIds { get; } = new();

        public Task When(int eventId) => Seen(eventId).Task;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            EventIds.Enqueue(eventId.Id);
            Seen(eventId.Id).TrySetResult();
        }

        public void Dispose()
        {
        }

        private TaskCompletionSource Seen(int eventId) =>
            _seen.GetOrAdd(eventId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
