using SalesforceAuth.Tokens;

namespace SalesforceAuth.Tests.Tokens;

public sealed class ClockSkewTrackerTests
{
    private static readonly DateTimeOffset Local = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_DateHeader_MeasuresServerMinusLocal()
    {
        var tracker = new ClockSkewTracker();
        using var response = new HttpResponseMessage();
        response.Headers.Date = Local.AddMinutes(7);

        Assert.Equal(Local.AddMinutes(7), tracker.Observe(response, Local));

        Assert.Equal(TimeSpan.FromMinutes(7), tracker.MeasuredSkew);
        Assert.Equal(TimeSpan.FromMinutes(7), tracker.GetCompensation(enabled: true));
        Assert.Equal(TimeSpan.Zero, tracker.GetCompensation(enabled: false));
    }

    [Fact]
    public void Observe_NoDateHeader_KeepsPreviousMeasurement()
    {
        var tracker = new ClockSkewTracker();
        tracker.Observe(Local.AddSeconds(-30), Local);
        using var response = new HttpResponseMessage();

        Assert.Null(tracker.Observe(response, Local));
        Assert.Equal(TimeSpan.FromSeconds(-30), tracker.MeasuredSkew);
    }

    [Fact]
    public void GetCompensation_BelowNoiseThreshold_IsZero()
    {
        var tracker = new ClockSkewTracker();
        Assert.Equal(TimeSpan.Zero, tracker.GetCompensation(enabled: true));

        tracker.Observe(Local.AddMilliseconds(-900), Local);

        Assert.Equal(TimeSpan.Zero, tracker.GetCompensation(enabled: true));
        Assert.Equal(TimeSpan.FromMilliseconds(-900), tracker.MeasuredSkew);
    }
}
