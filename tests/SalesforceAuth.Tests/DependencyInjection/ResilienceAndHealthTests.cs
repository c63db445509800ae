using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using SalesforceAuth.Http;
using SalesforceAuth.Tests.Http;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tests.Tokens;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tests.DependencyInjection;

public sealed class ResilienceAndHealthTests
{
    private static readonly Lazy<SalesforceSigningKey> Key = new(() =>
    {
        var key = TestKeys.NewSigningKey(out var publicKey);
        publicKey.Dispose();
        return key;
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StandardResilienceHandler_OutsideTheAuthHandlerWithThePredicate_RetriesATransientTokenFailure()
    {
        var source = new FakeTokenSource { Failure = n => n == 1 ? new SalesforceAuthenticationException("token endpoint unreachable", null, new SalesforceErrorDetails { Reason = SalesforceReason.Unknown, IsTransient = true }) : null };
        await using var provider = Build(source, services =>
        {
            // Order matters: handlers run in the order they are added, so the resilience handler goes first (outside)
            // to see the authentication handler's failures.
            services.AddHttpClient("crm").AddStandardResilienceHandler(o =>
            {
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) || SalesforceAuthenticationException.IsTransientFailure(args.Outcome.Exception));
            });
            services.AddHttpClient("crm").AddSalesforceTokenHandler("crm");
        }, out var terminal);

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm").GetAsync("/services/data/v62.0/limits", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, source.Calls);
        Assert.Single(terminal.Sent);
    }

    [Fact]
    public async Task StandardResilienceHandler_APermanentTokenFailure_IsNotRetried()
    {
        var source = new FakeTokenSource { Failure = _ => new SalesforceAuthenticationException("consumer not approved", null, new SalesforceErrorDetails { Reason = SalesforceReason.ConsumerNotApproved }) };
        await using var provider = Build(source, services =>
        {
            services.AddHttpClient("crm").AddStandardResilienceHandler(o =>
            {
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) || SalesforceAuthenticationException.IsTransientFailure(args.Outcome.Exception));
            });
            services.AddHttpClient("crm").AddSalesforceTokenHandler("crm");
        }, out _);

        await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm").GetAsync("/services/data/v62.0/limits", Ct));

        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task HealthCheck_TokenFails_UnhealthyWithTheSummaryThenHealthy()
    {
        var source = new FakeTokenSource { Failure = n => n == 1 ? new SalesforceAuthenticationException("consumer not approved", null, new SalesforceErrorDetails { Reason = SalesforceReason.ConsumerNotApproved }) : null };
        await using var provider = Build(source, services => services.AddHealthChecks().AddSalesforce("crm"), out _);
        var health = provider.GetRequiredService<HealthCheckService>();

        var failed = await health.CheckHealthAsync(Ct);
        var passed = await health.CheckHealthAsync(Ct);

        var entry = failed.Entries["salesforce-crm"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("'crm'", entry.Description, StringComparison.Ordinal);
        Assert.Contains("ConsumerNotApproved", entry.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, passed.Entries["salesforce-crm"].Status);
    }

    private static ServiceProvider Build(FakeTokenSource source, Action<IServiceCollection> register, out RecordingHandler terminal)
    {
        var recording = new RecordingHandler();
        terminal = recording;
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ISalesforceTokenSource>(KeyedService.AnyKey, source);
        services.AddSalesforceClient("crm", o =>
        {
            o.ClientId = "3MVG9test";
            o.Username = "integration@acme.com";
            o.LoginUrl = new Uri("https://acme.my.salesforce.com");
            o.SigningKey = Key.Value;
        });
        register(services);
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b =>
        {
            if (b.Name != TokenClientRegistry.BackchannelClientName)
            {
                b.PrimaryHandler = recording;
            }
        }));
        return services.BuildServiceProvider();
    }

}
