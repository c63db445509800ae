
namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// Keeps the offset of Salesforce's clock from ours, measured from the <c>Date</c> header of the token endpoint's own
/// answers, so the next assertions' <c>iat</c>/<c>exp</c> can be shifted onto Salesforce's clock (a local clock that
/// is behind yields <c>invalid_grant</c> / <c>expired authorization code</c>). Thread-safe.
/// </summary>
/// <remarks>
/// Only a believable <c>Date</c> is learned: from a 2xx or 4xx answer with a JSON body (what Salesforce's OAuth
/// endpoints send), and at most <see cref="MaxSkew"/> from the local clock. A 5xx, a redirect or an HTML page may come
/// from a proxy, a load balancer or a maintenance page with a clock of its own, and a <c>Date</c> near year 9999
/// would push every later assertion time out of range.
/// </remarks>
internal sealed class ClockSkewTracker
{
    /// <summary>
    /// Offsets smaller than this are not applied: <c>Date</c> has one-second resolution and the response spent time in
    /// flight, so a smaller measured offset is noise, not skew.
    /// </summary>
    public static readonly TimeSpan NoiseThreshold = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The largest offset believed. The real causes of skew are a drifting or stale container clock (minutes) and
    /// local-time-as-UTC bugs, which shift the clock by the UTC offset (at most 14 hours); a day covers them with margin.
    /// A larger difference is a broken <c>Date</c> header, not a clock that assertion times could be corrected to.
    /// </summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromHours(24);

    private Sample? _latest;

    /// <summary>The latest believed offset (server minus local), or <see langword="null"/> before any.</summary>
    public TimeSpan? MeasuredSkew => Volatile.Read(ref _latest)?.Offset;

    /// <summary>The server time of the latest believed measurement.</summary>
    public DateTimeOffset? ServerTime => Volatile.Read(ref _latest)?.ServerTime;

    /// <summary>The local arrival time of the latest believed measurement.</summary>
    public DateTimeOffset? LocalTime => Volatile.Read(ref _latest)?.LocalTime;

    /// <summary>Whether the <c>Date</c> of an answer is Salesforce's: a 2xx or 4xx (not 407, a proxy's) with a JSON body.</summary>
    /// <param name="response">The answer.</param>
    /// <returns><see langword="true"/> when its <c>Date</c> may be learned.</returns>
    public static bool IsBelievable(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        return (status is >= 200 and < 300 || (status is >= 400 and < 500 && status != 407))
            && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>Records a measurement, unless it is more than <see cref="MaxSkew"/> off (then the previous one stays).</summary>
    /// <param name="serverTime">The server time (the <c>Date</c> header).</param>
    /// <param name="localTime">The local arrival time.</param>
    /// <returns><see langword="true"/> when recorded.</returns>
    public bool Observe(DateTimeOffset serverTime, DateTimeOffset localTime)
    {
        // The difference of two DateTimeOffsets always fits a TimeSpan (10,000 years < TimeSpan.MaxValue).
        var sample = new Sample(serverTime.ToUniversalTime(), localTime.ToUniversalTime());
        if (sample.Offset.Duration() > MaxSkew)
        {
            return false;
        }

        Volatile.Write(ref _latest, sample);
        return true;
    }

    /// <summary>The correction to add to the local time for the next assertion.</summary>
    /// <param name="enabled">Whether compensation is on (<see cref="SalesforceClientOptions.ClockSkewCompensation"/>).</param>
    /// <returns>The measured offset (either sign) when enabled and above the noise threshold; otherwise zero.</returns>
    public TimeSpan GetCompensation(bool enabled)
    {
        if (!enabled || MeasuredSkew is not { } skew)
        {
            return TimeSpan.Zero;
        }

        return skew.Duration() < NoiseThreshold ? TimeSpan.Zero : skew;
    }

    /// <summary>
    /// The local time moved onto Salesforce's clock by <paramref name="skew"/>; the local time itself when the sum would
    /// leave the range of <see cref="DateTimeOffset"/> (only a broken local clock is within a day of year 1 or 9999).
    /// </summary>
    /// <param name="localTime">The local time.</param>
    /// <param name="skew">The compensation (<see cref="GetCompensation"/>).</param>
    /// <returns>The corrected time.</returns>
    public static DateTimeOffset Apply(DateTimeOffset localTime, TimeSpan skew)
    {
        var utc = localTime.ToUniversalTime();
        var room = skew >= TimeSpan.Zero ? DateTimeOffset.MaxValue.UtcTicks - utc.UtcTicks : utc.UtcTicks - DateTimeOffset.MinValue.UtcTicks;
        return skew.Duration().Ticks <= room ? utc + skew : utc;
    }

    private sealed record Sample(DateTimeOffset ServerTime, DateTimeOffset LocalTime)
    {
        public TimeSpan Offset => ServerTime - LocalTime;
    }
}
