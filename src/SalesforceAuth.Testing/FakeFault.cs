namespace SalesforceAuth.Testing;

/// <summary>A fault the emulator injects into the next requests; see <see cref="FakeSalesforce.InjectTokenFault"/> and
/// <see cref="FakeSalesforce.InjectApiFault"/>.</summary>
public sealed class FakeFault
{
    private FakeFault(FakeFaultKind kind, int statusCode, Uri? location = null, TimeSpan delay = default)
    {
        Kind = kind;
        StatusCode = statusCode;
        Location = location;
        Delay = delay;
    }

    /// <summary>What the fault does.</summary>
    public FakeFaultKind Kind { get; }

    /// <summary>The status code answered (0 for <see cref="FakeFaultKind.Delay"/> and <see cref="FakeFaultKind.DropConnection"/>).</summary>
    public int StatusCode { get; }

    /// <summary>The <c>Location</c> of a redirect.</summary>
    public Uri? Location { get; }

    /// <summary>The wait of a <see cref="FakeFaultKind.Delay"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Answers <c>500</c> with an HTML error page.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault ServerError() => new(FakeFaultKind.Status, 500);

    /// <summary>Answers <paramref name="statusCode"/> with a short plain-text body, for example 429 or 502.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Status(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new(FakeFaultKind.Status, statusCode);
    }

    /// <summary>Answers <c>503</c> with <c>Content-Type: text/html</c> and a maintenance page, as maintenance windows and proxies do (observed).</summary>
    /// <returns>The fault.</returns>
    public static FakeFault Maintenance() => new(FakeFaultKind.Maintenance, 503);

    /// <summary>Answers <c>rate_limit_exceeded</c> / <c>number of logins exceeded</c> (Salesforce Help knowledge article 000381578, login rate limits, https://help.salesforce.com/s/articleView?id=000381578&amp;type=1; the real status is
    /// unconfirmed, so it is a parameter).</summary>
    /// <param name="statusCode">The HTTP status code; defaults to 400 like every other token endpoint error.</param>
    /// <returns>The fault.</returns>
    public static FakeFault RateLimitExceeded(int statusCode = 400) => new(FakeFaultKind.RateLimitExceeded, statusCode);

    /// <summary>Answers a redirect (for example to the org's My Domain token endpoint, or a foreign host) with an empty body.</summary>
    /// <param name="location">The absolute <c>Location</c>.</param>
    /// <param name="statusCode">302 by default; 301, 307 or 308 are possible.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Redirect(Uri location, int statusCode = 302)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!location.IsAbsoluteUri)
        {
            throw new ArgumentException("The redirect location must be an absolute URL.", nameof(location));
        }

        return new(FakeFaultKind.Redirect, statusCode, location);
    }

    /// <summary>Waits <paramref name="delay"/> on the emulator's <see cref="FakeSalesforceOptions.TimeProvider"/> (so a
    /// FakeTimeProvider must be advanced), then processes the request normally. The wait ends early if the client goes away.</summary>
    /// <param name="delay">The wait.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Delayed(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(FakeFaultKind.Delay, 0, delay: delay);
    }

    /// <summary>Aborts the connection without sending a response.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault DropConnection() => new(FakeFaultKind.DropConnection, 0);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        FakeFaultKind.Redirect => $"{StatusCode} -> {Location}",
        FakeFaultKind.Delay => $"Delay {Delay}",
        FakeFaultKind.DropConnection => "DropConnection",
        _ => $"{Kind} {StatusCode}",
    };
}
