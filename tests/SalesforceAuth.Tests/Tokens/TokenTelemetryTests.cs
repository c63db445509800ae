using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests.Tokens;

public sealed class TokenTelemetryTests
{

    [Fact]
    public async Task RequestTokenAsync_RetryThenSuccess_RecordsSpanAndMetrics()
    {
        using var f = new TokenEndpointFixture();
        f.RespondInSequence(Html(503), Json(200, SuccessBody()));
        using var meters = new TestMeterFactory();
        using var requests = new MetricCollector<long>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.TokenRequests);
        using var retries = new MetricCollector<long>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.TokenRetries);
        using var duration = new MetricCollector<double>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.TokenRequestDuration);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SalesforceTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new Activity("test").Start();

        await new SalesforceTokenClient(f.Http, f.Options(), f.Time, f.Logs, meters).RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken);

        Activity span;
        lock (stopped)
        {
            span = Assert.Single(stopped, a => a.ParentId == parent.Id);
        }

        Assert.Equal("JwtBearer", span.GetTagItem("salesforce.flow"));
        Assert.Equal("success", span.GetTagItem("salesforce.outcome"));
        Assert.Equal(f.BaseUrl.Host, span.GetTagItem("server.address"));
        var request = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal("success", request.Tags["salesforce.outcome"]);
        Assert.Equal("JwtBearer", request.Tags["salesforce.flow"]);
        Assert.Equal("503", Assert.Single(retries.GetMeasurementSnapshot()).Tags["salesforce.retry.cause"]);
        Assert.Single(duration.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task RequestTokenAsync_Failure_TagsOutcomeWithReason()
    {
        using var f = new TokenEndpointFixture();
        f.Respond(Json(200, SuccessBody("https://evil.example")));
        using var meters = new TestMeterFactory();
        using var requests = new MetricCollector<long>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.TokenRequests);

        await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => new SalesforceTokenClient(f.Http, f.Options(), f.Time, f.Logs, meters).RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(nameof(SalesforceReason.UntrustedInstanceUrl), Assert.Single(requests.GetMeasurementSnapshot()).Tags["salesforce.outcome"]);
        Assert.Contains(f.Logs.Lines, l => l.EventId.Id == 1002);
    }
}
