namespace SalesforceAuth.Tokens;

/// <summary>
/// Keeps the offset of Salesforce's clock from ours, measured from the <c>Date</c> header of every token endpoint
/// response (success or error), so the next assertions' <c>iat</c>/<c>exp</c> can be shifted onto Salesforce's clock
/// (reference §2.5: a local clock that is behind yields <c>expired authorization code</c>). Thread-safe.
/// </summary>
internal sealed class ClockSkewTracker
{
    /// <summary>
    /// Offsets smaller than this are not applied: <c>Date</c> has one-second resolution and the response spent time in
    /// flight, so a smaller measured offset is noise, not skew.
    /// </summary>
    public static readonly TimeSpan NoiseThreshold = TimeSpan.FromSeconds(2);

    private Sample? _latest;

    /// <summary>The latest measured offset (server minus local), or <see langword="null"/> before any response with a <c>Date</c>.</summary>
    public TimeSpan? MeasuredSkew => Volatile.Read(ref _latest)?.Offset;

    /// <summary>The server time of the latest measurement.</summary>
    public DateTimeOffset? ServerTime => Volatile.Read(ref _latest)?.ServerTime;

    /// <summary>The local arrival time of the latest measurement.</summary>
    public DateTimeOffset? LocalTime => Volatile.Read(ref _latest)?.LocalTime;

    /// <summary>Records the <c>Date</c> header of a response, when it has one.</summary>
    /// <param name="response">The token endpoint response.</param>
    /// <param name="localTime">The local time when the response arrived (from the <see cref="TimeProvider"/>).</param>
    /// <returns>The server time from the header, or <see langword="null"/> when absent.</returns>
    public DateTimeOffset? Observe(HttpResponseMessage response, DateTimeOffset localTime)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = response.Headers.Date;
        if (date is { } serverTime)
        {
            Observe(serverTime, localTime);
        }

        return date;
    }

    /// <summary>Records a measurement.</summary>
    /// <param name="serverTime">The server time (the <c>Date</c> header).</param>
    /// <param name="localTime">The local arrival time.</param>
    public void Observe(DateTimeOffset serverTime, DateTimeOffset localTime) =>
        Volatile.Write(ref _latest, new Sample(serverTime.ToUniversalTime(), localTime.ToUniversalTime()));

    /// <summary>The correction to add to the local time for the next assertion.</summary>
    /// <param name="enabled">Whether compensation is on (<see cref="SalesforceClientOptions.ClockSkewCompensation"/>).</param>
    /// <returns>The measured offset when enabled and above the noise threshold; otherwise zero.</returns>
    public TimeSpan GetCompensation(bool enabled)
    {
        if (!enabled || MeasuredSkew is not { } skew)
        {
            return TimeSpan.Zero;
        }

        return skew.Duration() < NoiseThreshold ? TimeSpan.Zero : skew;
    }

    private sealed record Sample(DateTimeOffset ServerTime, DateTimeOffset LocalTime)
    {
        public TimeSpan Offset => ServerTime - LocalTime;
    }
}
