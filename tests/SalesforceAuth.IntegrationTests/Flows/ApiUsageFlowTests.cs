using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>
/// The org's API usage from <c>Sforce-Limit-Info</c> on the REST responses through the handler: per connection, as a
/// gauge tagged by connection (never by user), readable by callers, with one warning when a share is crossed.
/// </summary>
public sealed class ApiUsageFlowTests
{
    private const int ApiUsageHighEvent = 2006;
    private static readonly Uri Sobjects = new("/services/data/v62.0/sobjects", UriKind.Relative);

    private static CancellationToken Ct => FlowKit.Cancel;

    [Fact]
    public async Task Handler_TwoConnectionsOnTwoOrgs_UsagePerConnectionInTheGaugesAndGetApiUsage()
    {
        await using var kit = await FlowKit.StartAsync(o => o.ApiRequestLimit = 1000);
        var globex = kit.Fake.AddOrg("globex");
        var globexUser = globex.AddUser("integration@globex.com");
        kit.App.PreAuthorizedUsers.Add(globexUser);
        var jane = kit.Org.AddUser("jane@acme.com");
        kit.App.PreAuthorizedUsers.Add(jane);
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        services.AddMetrics();
        services.AddSalesforceClient("acme", o => kit.Configure(o, SalesforceFlow.JwtBearer)).AddHttpClient();
        services.AddSalesforceClient("globex", o => kit.Configure(o, SalesforceFlow.JwtBearer, c => c.Username = globexUser.Username)).AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();
        var clients = provider.GetRequiredService<IHttpClientFactory>();
        var acme = clients.CreateClient("acme");
        var globexClient = clients.CreateClient("globex");

        Assert.Null(tokens.GetApiUsage("acme"));
        for (var i = 0; i < 3; i++)
        {
            (await acme.GetAsync(Sobjects, Ct)).EnsureSuccessStatusCode();
        }

        // Another user of the same connection: the org's figure, under the connection's name.
        using var asJane = new HttpRequestMessage(HttpMethod.Get, Sobjects);
        asJane.Options.Set(SalesforceRequestOptions.Username, jane.Username);
        (await acme.SendAsync(asJane, Ct)).EnsureSuccessStatusCode();
        (await globexClient.GetAsync(Sobjects, Ct)).EnsureSuccessStatusCode();
        var measurements = CollectGauges(provider);

        Assert.Equal("api-usage=4/1000", tokens.GetApiUsage("acme")!.ToString());
        Assert.Equal("api-usage=1/1000", tokens.GetApiUsage("globex")!.ToString());
        Assert.Equal(4, measurements[(SalesforceTelemetry.ApiUsage, "acme")]);
        Assert.Equal(1, measurements[(SalesforceTelemetry.ApiUsage, "globex")]);
        Assert.Equal(1000, measurements[(SalesforceTelemetry.ApiLimit, "acme")]);
        Assert.Equal(1000, measurements[(SalesforceTelemetry.ApiLimit, "globex")]);
        Assert.Equal(4, measurements.Count);
    }

    [Fact]
    public async Task Handler_UsageCrossesTheThreshold_OneWarning()
    {
        await using var kit = await FlowKit.StartAsync(o => o.ApiRequestLimit = 10);
        var logs = new CountingLoggerProvider();
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        services.AddLogging(b => b.AddProvider(logs));
        services.AddSalesforceClient("acme", o => kit.Configure(o, SalesforceFlow.JwtBearer, c => c.ApiUsageWarningThreshold = 0.5)).AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var acme = provider.GetRequiredService<IHttpClientFactory>().CreateClient("acme");

        for (var i = 1; i <= 4; i++)
        {
            (await acme.GetAsync(Sobjects, Ct)).EnsureSuccessStatusCode();
        }

        Assert.Equal(0, logs.Count(ApiUsageHighEvent));
        for (var i = 5; i <= 9; i++)
        {
            (await acme.GetAsync(Sobjects, Ct)).EnsureSuccessStatusCode();
        }

        Assert.Equal(1, logs.Count(ApiUsageHighEvent));
        Assert.Equal(0.9, provider.GetRequiredService<ISalesforceTokenProvider>().GetApiUsage("acme")!.Share);
    }

    private static Dictionary<(string Instrument, string Client), long> CollectGauges(IServiceProvider provider)
    {
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        var seen = new Dictionary<(string, string), long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SalesforceTelemetry.MeterName && instrument.Meter.Scope == meterFactory
                    && instrument.Name is SalesforceTelemetry.ApiUsage or SalesforceTelemetry.ApiLimit)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? client = null;
            foreach (var tag in tags)
            {
                Assert.NotEqual("salesforce.user", tag.Key);
                if (tag.Key == "salesforce.client")
                {
                    client = (string?)tag.Value;
                }
            }

            seen[(instrument.Name, client!)] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    private sealed class CountingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, int> _counts = new();

        public int Count(int eventId) => _counts.GetValueOrDefault(eventId);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);

        public void Dispose()
        {
        }
    }
}
