using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SalesforceAuth.Tests.TestSupport;
using WireMock.ResponseBuilders;
using static SalesforceAuth.Tests.TestSupport.ScriptedHandler;

namespace SalesforceAuth.Tests.Tokens;

public sealed class LifecycleTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RevokeAsync_SuccessAndRefusal_CountedByOperationAndOutcome()
    {
        using var f = new TokenEndpointFixture();
        f.Server.Given(f.TokenRequest("/services/oauth2/revoke")).RespondWith(Response.Create().WithStatusCode(200));
        using var meters = new TestMeterFactory();
        using var requests = new MetricCollector<long>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.LifecycleRequests);
        var client = new SalesforceTokenClient(f.Http, f.Options(), f.Time, f.Logs, meters);

        await client.RevokeAsync("00D5g00000XXXXX!AQ0X", Ct);
        f.Server.Reset();
        f.Respond(TokenEndpointFixture.Json(400, """{"error":"invalid_token"}"""), "/services/oauth2/revoke");
        await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RevokeAsync("00D5g00000XXXXX!AQ0X", Ct));

        var measurements = requests.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.All(measurements, m => Assert.Equal("revoke", m.Tags["salesforce.operation"]));
        Assert.Equal("success", measurements[0].Tags["salesforce.outcome"]);
        Assert.Equal(nameof(SalesforceReason.InvalidRequest), measurements[1].Tags["salesforce.outcome"]);
    }

    [Fact]
    public async Task RequestTokenAsync_RefreshRotation_CountedAsSaved()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, """{"access_token":"00D5g00000XXXXX!AQ0A","instance_url":"https://acme.my.salesforce.com","refresh_token":"5Aep861NEW"}""")));
        using var meters = new TestMeterFactory();
        using var rotations = new MetricCollector<long>(meters, SalesforceTelemetry.MeterName, SalesforceTelemetry.RefreshTokenRotations);
        var options = new SalesforceClientOptions
        {
            LoginUrl = new Uri("https://acme.my.salesforce.com"),
            Flow = SalesforceFlow.RefreshToken,
            ClientId = "3MVG9",
            RefreshToken = "5Aep861OLD",
            AttemptTimeout = TimeSpan.FromMinutes(10),
            TotalTimeout = TimeSpan.FromMinutes(30),
        };

        await new SalesforceTokenClient(new HttpClient(handler), options, DelayAdvancingTimeProvider.StartingNow(), meterFactory: meters).RequestTokenAsync(cancellationToken: Ct);

        var measurement = Assert.Single(rotations.GetMeasurementSnapshot());
        Assert.Equal("saved", measurement.Tags["salesforce.outcome"]);
    }
}
