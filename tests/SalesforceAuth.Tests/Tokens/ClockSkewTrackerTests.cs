using System.Net;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tests.Tokens;

public sealed class ClockSkewTrackerTests
{
    private static readonly DateTimeOffset Local = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_ServerAhead_MeasuresServerMinusLocal()
    {
        var tracker = new ClockSkewTracker();

        Assert.True(tracker.Observe(Local.AddMinutes(7), Local));

        Assert.Equal(TimeSpan.FromMinutes(7), tracker.MeasuredSkew);
        Assert.Equal(TimeSpan.FromMinutes(7), tracker.GetCompensation(enabled: true));
        Assert.Equal(TimeSpan.Zero, tracker.GetCompensation(enabled: false));
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

    [Fact]
    public void GetCompensation_ServerBehind_MovesAssertionTimesBack()
    {
        var tracker = new ClockSkewTracker();

        tracker.Observe(Local.AddMinutes(-7), Local);

        // Both directions are corrected: a server clock behind ours is as fatal to an assertion as one ahead.
        Assert.Equal(TimeSpan.FromMinutes(-7), tracker.GetCompensation(enabled: true));
    }

    [Fact]
    public void Observe_BeyondMaxSkew_IgnoredAndPreviousMeasurementKept()
    {
        var tracker = new ClockSkewTracker();
        tracker.Observe(Local.AddMinutes(3), Local);

        Assert.False(tracker.Observe(DateTimeOffset.MaxValue, Local));
        Assert.False(tracker.Observe(DateTimeOffset.MinValue, Local));
        Assert.False(tracker.Observe(Local + ClockSkewTracker.MaxSkew + TimeSpan.FromSeconds(1), Local));
        Assert.False(tracker.Observe(Local - ClockSkewTracker.MaxSkew - TimeSpan.FromSeconds(1), Local));

        Assert.Equal(TimeSpan.FromMinutes(3), tracker.GetCompensation(enabled: true));
        Assert.True(tracker.Observe(Local - ClockSkewTracker.MaxSkew, Local));
        Assert.Equal(-ClockSkewTracker.MaxSkew, tracker.GetCompensation(enabled: true));
    }

    [Theory]
    [InlineData(200, "application/json", true)]
    [InlineData(400, "application/json", true)]
    [InlineData(401, "application/json; charset=UTF-8", true)]
    [InlineData(503, "application/json", false)]
    [InlineData(500, "application/json", false)]
    [InlineData(302, "application/json", false)]
    [InlineData(407, "application/json", false)]
    [InlineData(200, "text/html", false)]
    [InlineData(400, "text/html", false)]
    [InlineData(200, null, false)]
    [InlineData(299, "application/json", true)]
    [InlineData(300, "application/json", false)]
    [InlineData(199, "application/json", false)]
    [InlineData(499, "application/json", true)]
    [InlineData(200, "application/problem+JSON", true)]
    public void IsBelievable_OnlySalesforceShapedAnswers(int status, string? mediaType, bool believable)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent("{}") };
        response.Content.Headers.ContentType = mediaType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);

        Assert.Equal(believable, ClockSkewTracker.IsBelievable(response));
    }

    [Fact]
    public void NewTracker_NoMeasurement()
    {
        var tracker = new ClockSkewTracker();

        Assert.Null(tracker.MeasuredSkew);
        Assert.Null(tracker.ServerTime);
        Assert.Null(tracker.LocalTime);
        Assert.Equal(TimeSpan.Zero, tracker.GetCompensation(enabled: true));
    }

    [Fact]
    public void Observe_TimesWithOffsets_RecordedInUtc()
    {
        var tracker = new ClockSkewTracker();

        tracker.Observe(Local.AddMinutes(5).ToOffset(TimeSpan.FromHours(-8)), Local.ToOffset(TimeSpan.FromHours(2)));

        Assert.Equal(TimeSpan.FromMinutes(5), tracker.MeasuredSkew);
        Assert.Equal(TimeSpan.Zero, tracker.ServerTime!.Value.Offset);
        Assert.Equal(TimeSpan.Zero, tracker.LocalTime!.Value.Offset);
        Assert.Equal(Local.AddMinutes(5), tracker.ServerTime);
        Assert.Equal(Local, tracker.LocalTime);
    }

    [Fact]
    public void GetCompensation_AtTheNoiseThreshold_Applied()
    {
        var ahead = new ClockSkewTracker();
        ahead.Observe(Local + ClockSkewTracker.NoiseThreshold, Local);
        var behind = new ClockSkewTracker();
        behind.Observe(Local - ClockSkewTracker.NoiseThreshold, Local);
        var justBelow = new ClockSkewTracker();
        justBelow.Observe(Local - ClockSkewTracker.NoiseThreshold + TimeSpan.FromTicks(1), Local);

        Assert.Equal(TimeSpan.FromSeconds(2), ahead.GetCompensation(enabled: true));
        Assert.Equal(TimeSpan.FromSeconds(-2), behind.GetCompensation(enabled: true));
        Assert.Equal(TimeSpan.Zero, justBelow.GetCompensation(enabled: true));
    }

    [Fact]
    public void Observe_ExactlyMaxSkewAhead_Recorded()
    {
        var tracker = new ClockSkewTracker();

        Assert.True(tracker.Observe(Local + ClockSkewTracker.MaxSkew, Local));
        Assert.Equal(ClockSkewTracker.MaxSkew, tracker.MeasuredSkew);
        Assert.Equal(TimeSpan.FromHours(24), ClockSkewTracker.MaxSkew);
    }

    [Fact]
    public void Apply_SkewThatExactlyReachesTheEdge_Applied()
    {
        Assert.Equal(DateTimeOffset.MaxValue, ClockSkewTracker.Apply(DateTimeOffset.MaxValue.AddHours(-1), TimeSpan.FromHours(1)));
        Assert.Equal(DateTimeOffset.MinValue, ClockSkewTracker.Apply(DateTimeOffset.MinValue.AddHours(1), TimeSpan.FromHours(-1)));
        Assert.Equal(DateTimeOffset.MaxValue.AddHours(-1), ClockSkewTracker.Apply(DateTimeOffset.MaxValue.AddHours(-1), TimeSpan.FromHours(1) + TimeSpan.FromTicks(1)));
        Assert.Equal(Local, ClockSkewTracker.Apply(Local, TimeSpan.Zero));
    }

    [Fact]
    public void IsBelievable_Null_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => ClockSkewTracker.IsBelievable(null!));

    [Fact]
    public void Apply_AtTheEdgesOfTheCalendar_NeverOverflows()
    {
        Assert.Equal(DateTimeOffset.MaxValue, ClockSkewTracker.Apply(DateTimeOffset.MaxValue, TimeSpan.FromHours(1)));
        Assert.Equal(DateTimeOffset.MinValue, ClockSkewTracker.Apply(DateTimeOffset.MinValue, TimeSpan.FromHours(-1)));
        Assert.Equal(Local.AddHours(-1), ClockSkewTracker.Apply(Local, TimeSpan.FromHours(-1)));
        Assert.Equal(Local.AddHours(1), ClockSkewTracker.Apply(Local.ToOffset(TimeSpan.FromHours(14)), TimeSpan.FromHours(1)));
    }
}
