using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Explain;

/// <summary>Reading and printing the times of an assertion.</summary>
internal static class Times
{
    /// <summary>Epoch values above this are milliseconds (year 5138 in seconds): the threshold NetCoreForce uses for
    /// Salesforce's <c>issued_at</c> too.</summary>
    public const double MillisecondsThreshold = 1e11;

    /// <summary>A NumericDate claim as a number, or a numeric string (Salesforce's own old example sends
    /// <c>"exp":"1333685628"</c>, and both forms work: "JWT bearer flow", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
    public static bool TryEpoch(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue json)
        {
            return false;
        }

        return json.GetValueKind() switch
        {
            JsonValueKind.Number => json.TryGetValue(out value),
            JsonValueKind.String => double.TryParse(json.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>An epoch value as a date, whatever its unit.</summary>
    public static DateTimeOffset FromEpoch(double value) =>
        value > MillisecondsThreshold
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(value, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()))
            : DateTimeOffset.FromUnixTimeSeconds((long)Math.Clamp(value, DateTimeOffset.MinValue.ToUnixTimeSeconds(), DateTimeOffset.MaxValue.ToUnixTimeSeconds()));

    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"42 s", "3 min 5 s", "2 h 0 min" for a duration's size.</summary>
    public static string Duration(TimeSpan duration)
    {
        var d = duration.Duration();
        return d.TotalSeconds < 120
            ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.#} s")
            : d.TotalHours < 2
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes} min {d.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours} h {d.Minutes} min");
    }

    /// <summary>"in 3 min 5 s" or "42 s ago".</summary>
    public static string Relative(DateTimeOffset value, DateTimeOffset now) =>
        value >= now ? $"in {Duration(value - now)}" : $"{Duration(now - value)} ago";

    /// <summary>The whole number of hours (1 to 14, the range of UTC offsets) that <paramref name="offset"/> is away from,
    /// within <paramref name="tolerance"/>; 0 when it is not near a whole hour.</summary>
    public static int WholeHours(TimeSpan offset, TimeSpan tolerance)
    {
        var hours = (int)Math.Round(offset.TotalHours);
        if (hours == 0 || Math.Abs(hours) > 14)
        {
            return 0;
        }

        return (offset - TimeSpan.FromHours(hours)).Duration() <= tolerance ? hours : 0;
    }
}
