using System.Net;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class ClockSkewDiagnosisTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MapTokenError_DateHeaderSevenMinutesAhead_NamesTheMeasuredSkew()
    {
        var time = new FakeTimeProvider(Start);
        var exception = MapExpired(time, serverAhead: TimeSpan.FromMinutes(7), lifetime: TimeSpan.FromMinutes(3));

        var expired = Assert.IsType<SalesforceAssertionExpiredException>(exception);
        Assert.Equal(SalesforceReason.AssertionExpired, expired.Reason);
        Assert.Equal(TimeSpan.FromMinutes(7), expired.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(7), expired.Diagnosis.ClockSkew);
        Assert.Equal(Start.AddMinutes(7), expired.ServerTime);
        Assert.Equal(Start, expired.LocalTime);
        Assert.Contains("your clock is 7 min 0 s behind Salesforce", expired.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains("your clock is 7 min 0 s behind Salesforce", expired.Message, StringComparison.Ordinal);
        Assert.StartsWith("Your clock is 7 min 0 s behind Salesforce", expired.Diagnosis.Causes[0], StringComparison.Ordinal);
        Assert.Equal("2026-11-23T12:07:00Z (1795435620)", expired.Diagnosis.Facts["server time (Date header)"]);
        Assert.Equal("2026-11-23T12:00:00Z (1795435200)", expired.Diagnosis.Facts["local time"]);
        Assert.StartsWith("2026-11-23T12:02:58Z", expired.Diagnosis.Facts["assertion exp"], StringComparison.Ordinal);
        Assert.DoesNotContain("whole number of hours", expired.Diagnosis.ToString(), StringComparison.Ordinal);

        // The evidence states the slow clock, so the generic wording of the same cause is not repeated.
        Assert.DoesNotContain(expired.Diagnosis.Causes, c => c.StartsWith("The local clock is behind", StringComparison.Ordinal));
    }

    [Fact]
    public void MapTokenError_LocalClockAhead_SaysAheadAndBlamesTheExpiry()
    {
        var time = new FakeTimeProvider(Start);
        var exception = MapExpired(time, serverAhead: TimeSpan.FromSeconds(-75), lifetime: TimeSpan.FromMinutes(3));

        Assert.Contains("your clock is 1 min 15 s ahead of Salesforce", exception.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains("exp was computed wrongly", exception.Diagnosis.Causes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void MapTokenError_SkewNearWholeHours_NamesLocalTimeUsedAsUtc()
    {
        var time = new FakeTimeProvider(Start);
        var exception = MapExpired(time, serverAhead: new TimeSpan(2, 0, 40), lifetime: TimeSpan.FromMinutes(3));

        Assert.Contains("your clock is 2 h 0 min 40 s behind Salesforce", exception.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains("local time is being used as UTC", exception.Diagnosis.Causes[0], StringComparison.Ordinal);
        Assert.Contains("(2 h)", exception.Diagnosis.Causes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void MapTokenError_ExpiryComputedInLocalTimeWithCorrectClock_NamesLocalTimeUsedAsUtc()
    {
        var time = new FakeTimeProvider(Start);
        var context = Context(time, serverAhead: TimeSpan.Zero, issuedAt: Start.AddHours(-3), lifetime: TimeSpan.FromMinutes(3));

        var exception = SalesforceErrorMapper.MapTokenError(context);

        Assert.Contains(exception.Diagnosis.Causes, c => c.Contains("computed from local time as if it were UTC", StringComparison.Ordinal));
        Assert.Contains("before", exception.Diagnosis.Facts["assertion exp vs server time"], StringComparison.Ordinal);
    }

    [Fact]
    public void MapTokenError_FiveSecondLifetime_NamesTooShortValidity()
    {
        var time = new FakeTimeProvider(Start);
        var exception = MapExpired(time, serverAhead: TimeSpan.Zero, lifetime: TimeSpan.FromSeconds(5));

        Assert.Contains("validity of 5 s is too short", exception.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains(exception.Diagnosis.Causes, c => c.Contains("only 5 s (under 60 s)", StringComparison.Ordinal));
        Assert.Equal("5 s", exception.Diagnosis.Facts["assertion lifetime"]);

        // The clocks agree, which rules the slow-clock cause out.
        Assert.Contains("agrees", exception.Diagnosis.Facts["measured skew"], StringComparison.Ordinal);
        Assert.DoesNotContain(exception.Diagnosis.Causes, c => c.Contains("clock is behind", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void MapTokenError_RetryAlreadyMade_SaysSo()
    {
        var time = new FakeTimeProvider(Start);
        var context = Context(time, TimeSpan.FromMinutes(7), Start.AddSeconds(-2), TimeSpan.FromMinutes(3)) with { RetriedWithFreshAssertion = true };

        var exception = SalesforceErrorMapper.MapTokenError(context);

        Assert.Contains("already made", exception.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Equal("already made, refused too", exception.Diagnosis.Facts["retry with fresh assertion"]);
    }

    [Fact]
    public void MapTokenError_SkewAlreadyCompensated_SaysTheClockAloneDoesNotExplainIt()
    {
        var time = new FakeTimeProvider(Start);
        var context = Context(time, TimeSpan.FromMinutes(7), Start.AddMinutes(7), TimeSpan.FromMinutes(3));
        context = context with { Assertion = context.Assertion! with { AppliedSkewCompensation = TimeSpan.FromMinutes(7) }, RetriedWithFreshAssertion = true };

        var exception = SalesforceErrorMapper.MapTokenError(context);

        Assert.Contains("already corrected by 7 min 0 s", exception.Diagnosis.Causes[0], StringComparison.Ordinal);
        Assert.DoesNotContain(exception.Diagnosis.Causes, c => c.Contains("clock is behind", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("7 min 0 s", exception.Diagnosis.Facts["skew compensation applied"]);
    }

    [Theory]
    [InlineData(432, "7 min 12 s")]
    [InlineData(45, "45 s")]
    [InlineData(7240, "2 h 0 min 40 s")]
    [InlineData(-432, "-7 min 12 s")]
    public void FormatDuration_UsesHoursMinutesSeconds(int seconds, string expected) =>
        Assert.Equal(expected, SalesforceErrorMapper.FormatDuration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(599.6, "10 min 0 s")]
    [InlineData(599.4, "9 min 59 s")]
    [InlineData(-0.5, "-1 s")]
    public void FormatDuration_RoundsToTheNearestSecond(double seconds, string expected) =>
        Assert.Equal(expected, SalesforceErrorMapper.FormatDuration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(3600, true)]
    [InlineData(7240, true)]
    [InlineData(3600 - 119, true)]
    [InlineData(3600 + 121, false)]
    [InlineData(1800, false)]
    [InlineData(60, false)]
    public void IsWholeHours_WithinTwoMinutesOfWholeHours(int seconds, bool expected)
    {
        Assert.Equal(expected, SalesforceErrorMapper.IsWholeHours(TimeSpan.FromSeconds(seconds), out _));
        Assert.Equal(expected, SalesforceErrorMapper.IsWholeHours(TimeSpan.FromSeconds(-seconds), out _));
    }

    private static SalesforceAuthenticationException MapExpired(FakeTimeProvider time, TimeSpan serverAhead, TimeSpan lifetime) =>
        SalesforceErrorMapper.MapTokenError(Context(time, serverAhead, time.GetUtcNow().AddSeconds(-2), lifetime));

    private static TokenErrorContext Context(FakeTimeProvider time, TimeSpan serverAhead, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        // The server time comes from a real Date header, parsed the way HttpClient parses it.
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        response.Headers.TryAddWithoutValidation("Date", time.GetUtcNow().Add(serverAhead).ToString("r"));
        return new TokenErrorContext
        {
            Flow = SalesforceFlow.JwtBearer,
            Endpoint = new Uri("https://login.salesforce.com/services/oauth2/token"),
            StatusCode = HttpStatusCode.BadRequest,
            MediaType = "application/json",
            Body = """{"error":"invalid_grant","error_description":"expired authorization code"}""",
            LocalTime = time.GetUtcNow(),
            ServerTime = response.Headers.Date,
            Assertion = new AssertionFacts
            {
                Issuer = "3MVG9consumerKey",
                Subject = "integration@acme.com",
                Audience = "https://login.salesforce.com",
                AudienceRule = "default for LoginUrl https://login.salesforce.com",
                IssuedAt = issuedAt,
                ExpiresAt = issuedAt + lifetime,
            },
        };
    }
}
