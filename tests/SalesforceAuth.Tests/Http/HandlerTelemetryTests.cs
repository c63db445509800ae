using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.Tokens;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Http;

public sealed class HandlerTelemetryTests
{
    [Fact]
    public async Task SendAsync_RecordsCacheLookupsRenewalsAndRefusals()
    {
        using var meterFactory = new TestMeterFactory();
        var metrics = new SalesforceMetrics(meterFactory);
        using var lookups = new MetricCollector<long>(meterFactory, SalesforceTelemetry.MeterName, SalesforceTelemetry.CacheLookups);
        using var renewals = new MetricCollector<long>(meterFactory, SalesforceTelemetry.MeterName, SalesforceTelemetry.SessionRenewals);
        using var refusals = new MetricCollector<long>(meterFactory, SalesforceTelemetry.MeterName, SalesforceTelemetry.ForeignHostRefusals);
        var source = new FakeTokenSource();
        var manager = new SalesforceTokenManager("crm", TestManagers.Options(), () => source, new SalesforceTokenCache(), TimeProvider.System, NullLogger.Instance, metrics);
        var sent = 0;
        var terminal = new RecordingHandler(_ => Interlocked.Increment(ref sent) == 1 ? RecordingHandler.SessionExpired() : new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new SalesforceAuthenticationHandler(manager, metrics, NullLogger.Instance) { InnerHandler = terminal }) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress };

        using var first = await client.GetAsync("/a", TestContext.Current.CancellationToken);
        using var second = await client.GetAsync("/b", TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.GetAsync("https://example.com/", TestContext.Current.CancellationToken));

        var results = lookups.GetMeasurementSnapshot().Select(m => (string?)m.Tags["salesforce.cache.result"]).ToList();
        Assert.Contains("miss", results);
        Assert.Contains("hit", results);
        Assert.Equal(1, renewals.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, refusals.GetMeasurementSnapshot().EvaluateAsCounter());
    }
}
