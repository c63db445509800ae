using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Http;

/// <summary>The <c>Sforce-Limit-Info: api-usage=used/limit</c> figure of a connection: parsing, the warning, allocation.</summary>
public sealed class ApiUsageTrackerTests
{
    private const int ApiUsageHighEvent = 2006;

    [Theory]
    [InlineData("api-usage=25/15000", 25u, 15000u)]
    [InlineData("API-Usage=0/5000", 0u, 5000u)]
    [InlineData("  api-usage=18/5000  ", 18u, 5000u)]
    [InlineData("api-usage=18/5000, per-app-api-usage=17/250(appName=sample-connected-app)", 18u, 5000u)]
    [InlineData("per-app-api-usage=17/250(appName=sample-connected-app), api-usage=18/5000", 18u, 5000u)]
    [InlineData("api-usage=4294967295/4294967295", uint.MaxValue, uint.MaxValue)]
    public void TryParse_WellFormed_ReadsTheOrgFigure(string header, uint used, uint limit)
    {
        Assert.True(ApiUsageTracker.TryParse(header, out var u, out var l));
        Assert.Equal((used, limit), (u, l));
    }

    [Theory]
    [InlineData("")]
    [InlineData("api-usage=")]
    [InlineData("api-usage=25")]
    [InlineData("api-usage=/15000")]
    [InlineData("api-usage=25/")]
    [InlineData("api-usage=-1/15000")]
    [InlineData("api-usage=25/15000x")]
    [InlineData("api-usage=2 5/15000")]
    [InlineData("api-usage=4294967296/15000")]
    [InlineData("api-usage=99999999999/15000")]
    [InlineData("api-usage=25/15000/3")]
    [InlineData("per-app-api-usage=17/250(appName=x)")]
    [InlineData("xapi-usage=25/15000")]
    [InlineData("api-usage=２５/15000")]
    public void TryParse_Malformed_Rejected(string header) =>
        Assert.False(ApiUsageTracker.TryParse(header, out _, out _));

    [Fact]
    public void TryParse_AnyFigures_RoundTrip() =>
        Gen.Select(Gen.UInt, Gen.UInt, Gen.Bool).Sample((used, limit, perApp) =>
        {
            var header = string.Create(CultureInfo.InvariantCulture, $"api-usage={used}/{limit}") + (perApp ? ", per-app-api-usage=1/2(appName=a)" : "");
            return ApiUsageTracker.TryParse(header, out var u, out var l) && u == used && l == limit;
        });

    [Fact]
    public void Observe_ArbitraryHeaders_NeverThrowsAndKeepsTheLastGoodFigure()
    {
        var tracker = new ApiUsageTracker("crm", 0.8, new CapturingLoggerFactory().CreateLogger("t"));
        tracker.Observe("api-usage=10/100");

        Gen.String.Sample(header =>
        {
            var parsed = ApiUsageTracker.TryParse(header, out var used, out var limit);
            var before = tracker.Current!;
            tracker.Observe(header);
            var after = tracker.Current!;
            return parsed
                ? after.Used == used && after.Limit == limit
                : after.Used == before.Used && after.Limit == before.Limit;
        });
    }

    [Fact]
    public void Current_BeforeAnyHeader_Null()
    {
        var tracker = new ApiUsageTracker("crm", 0.8, new CapturingLoggerFactory().CreateLogger("t"));
        tracker.Observe("garbage");

        Assert.Null(tracker.Current);
        Assert.False(tracker.TryGet(out _, out _));
    }

    [Fact]
    public void Observe_CrossingTheThreshold_WarnsOnceUntilUsageFallsBackUnder()
    {
        var logs = new CapturingLoggerFactory();
        var tracker = new ApiUsageTracker("crm", 0.8, logs.CreateLogger("t"));
        int Warnings() => logs.Lines.Count(l => l.EventId.Id == ApiUsageHighEvent && l.Level == LogLevel.Warning);

        tracker.Observe("api-usage=79/100");
        Assert.Equal(0, Warnings());
        tracker.Observe("api-usage=80/100");
        tracker.Observe("api-usage=81/100");
        tracker.Observe("api-usage=120/100");
        Assert.Equal(1, Warnings());

        // The 24-hour window moved on: a new crossing warns again.
        tracker.Observe("api-usage=3/100");
        tracker.Observe("api-usage=90/100");
        Assert.Equal(2, Warnings());
        Assert.Contains("crm", logs.Lines.First(l => l.EventId.Id == ApiUsageHighEvent).Message, StringComparison.Ordinal);
        Assert.Equal(new SalesforceApiUsage(90, 100).ToString(), tracker.Current!.ToString());
        Assert.Equal(0.9, tracker.Current.Share);
    }

    [Fact]
    public void Observe_ZeroLimit_NoWarningAndShareZero()
    {
        var logs = new CapturingLoggerFactory();
        var tracker = new ApiUsageTracker("crm", 0.8, logs.CreateLogger("t"));

        tracker.Observe("api-usage=5/0");

        Assert.Equal(0, tracker.Current!.Share);
        Assert.DoesNotContain(logs.Lines, l => l.EventId.Id == ApiUsageHighEvent);
    }

    [Fact]
    public void Observe_Response_AllocatesNothingWhetherTheFigureChangesOrNot()
    {
        var tracker = new ApiUsageTracker("crm", 0.8, new CapturingLoggerFactory().CreateLogger("t"));
        using var unchanged = Response("api-usage=10/15000");
        var changing = Enumerable.Range(11, 100).Select(i => Response($"api-usage={i}/15000")).ToArray();
        tracker.Observe(unchanged);
        tracker.Observe(changing[0]);
        tracker.Observe(unchanged);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            tracker.Observe(unchanged);
        }

        for (var i = 1; i < changing.Length; i++)
        {
            tracker.Observe(changing[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(110, tracker.Current!.Used);
        foreach (var response in changing)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Options_ThresholdOutOfRange_ConfigurationErrorNamingTheSetting(double threshold)
    {
        var options = new SalesforceClientOptions { ClientId = "3MVG9test", Flow = SalesforceFlow.ClientCredentials, ClientSecret = "s", LoginUrl = new Uri("https://acme.my.salesforce.com"), ApiUsageWarningThreshold = threshold };

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceClientOptionsValidator.ThrowIfInvalid(options));

        Assert.Equal(nameof(SalesforceClientOptions.ApiUsageWarningThreshold), ex.Setting);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Options_ThresholdInRange_Valid(double threshold)
    {
        var options = new SalesforceClientOptions { ClientId = "3MVG9test", Flow = SalesforceFlow.ClientCredentials, ClientSecret = "s", LoginUrl = new Uri("https://acme.my.salesforce.com"), ApiUsageWarningThreshold = threshold };

        SalesforceClientOptionsValidator.ThrowIfInvalid(options);
    }

    private static HttpResponseMessage Response(string limitInfo)
    {
        var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation(ApiUsageTracker.HeaderName, limitInfo);
        return response;
    }
}
