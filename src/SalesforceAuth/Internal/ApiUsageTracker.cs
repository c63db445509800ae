using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>
/// The last <c>Sforce-Limit-Info: api-usage=used/limit</c> figure of one connection, read from every response the
/// handler sees (Salesforce REST API Developer Guide, "Response Headers",
/// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm). Observing never
/// allocates: the header is compared with the last one seen and parsed from its characters; the figure is kept as one
/// 64-bit word so readers never see a used count of one response with the limit of another. Malformed headers are ignored.
/// </summary>
internal sealed class ApiUsageTracker
{
    /// <summary>The response header.</summary>
    public const string HeaderName = "Sforce-Limit-Info";

    private const string Key = "api-usage=";
    private const long Unknown = -1;

    private readonly ILogger _logger;
    private long _packed = Unknown;
    private string? _lastHeader;
    private int _warned;

    /// <summary>Creates the tracker.</summary>
    /// <param name="connectionName">The connection name (the metric tag and log field; never a user).</param>
    /// <param name="warningThreshold">The share of the limit above which a warning is logged, once per crossing.</param>
    /// <param name="logger">The logger.</param>
    public ApiUsageTracker(string connectionName, double warningThreshold, ILogger logger)
    {
        ConnectionName = connectionName;
        WarningThreshold = warningThreshold;
        _logger = logger;
    }

    /// <summary>The connection name.</summary>
    public string ConnectionName { get; }

    /// <summary>The warning threshold (a share of the limit).</summary>
    public double WarningThreshold { get; }

    /// <summary>The last figure, or <see langword="null"/> before the first response that carried one.</summary>
    public SalesforceApiUsage? Current => Volatile.Read(ref _packed) is var packed and not Unknown
        ? new SalesforceApiUsage(packed >>> 32, packed & uint.MaxValue)
        : null;

    /// <summary>The last figure without allocating: <see langword="false"/> before the first.</summary>
    /// <param name="used">Requests made.</param>
    /// <param name="limit">The allowance.</param>
    /// <returns>Whether a figure is known.</returns>
    public bool TryGet(out long used, out long limit)
    {
        var packed = Volatile.Read(ref _packed);
        used = packed >>> 32;
        limit = packed & uint.MaxValue;
        return packed != Unknown;
    }

    /// <summary>Reads the header of a response, if any.</summary>
    /// <param name="response">The response.</param>
    public void Observe(HttpResponseMessage response)
    {
        // NonValidated: the raw string as received, no parsing into a list (the validated getters allocate).
        if (response.Headers.NonValidated.TryGetValues(HeaderName, out HeaderStringValues values))
        {
            foreach (var value in values)
            {
                Observe(value);
                return;
            }
        }
    }

    /// <summary>Reads one header value.</summary>
    /// <param name="header">The value, for example <c>api-usage=25/15000</c> or <c>api-usage=25/15000, per-app-api-usage=3/250(appName=app)</c>.</param>
    public void Observe(string header)
    {
        // An unchanged header (the same string, or the same text on another response) changes nothing.
        var last = Volatile.Read(ref _lastHeader);
        if (ReferenceEquals(header, last) || string.Equals(header, last, StringComparison.Ordinal))
        {
            return;
        }

        Volatile.Write(ref _lastHeader, header);
        if (!TryParse(header, out var used, out var limit))
        {
            return;
        }

        Volatile.Write(ref _packed, ((long)used << 32) | limit);
        var above = limit > 0 && used >= WarningThreshold * limit;
        if (above)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                Log.ApiUsageHigh(_logger, ConnectionName, used, limit, WarningThreshold);
            }
        }
        else if (Volatile.Read(ref _warned) != 0)
        {
            // Back under (the 24-hour window moved on): the next crossing warns again.
            Volatile.Write(ref _warned, 0);
        }
    }

    /// <summary>
    /// Parses the <c>api-usage=used/limit</c> item of the header: items are separated by commas; <c>per-app-api-usage</c>
    /// (a connected app's own quota) is a different item and is not taken for it.
    /// </summary>
    /// <param name="header">The header value.</param>
    /// <param name="used">Requests made.</param>
    /// <param name="limit">The allowance.</param>
    /// <returns>Whether the item was found and well formed (two unsigned 32-bit numbers).</returns>
    internal static bool TryParse(ReadOnlySpan<char> header, out uint used, out uint limit)
    {
        used = 0;
        limit = 0;
        while (!header.IsEmpty)
        {
            var comma = header.IndexOf(',');
            var item = (comma < 0 ? header : header[..comma]).Trim(' ');
            header = comma < 0 ? default : header[(comma + 1)..];
            if (!item.StartsWith(Key, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var figure = item[Key.Length..];
            var slash = figure.IndexOf('/');
            return slash > 0
                && TryParseDigits(figure[..slash], out used)
                && TryParseDigits(figure[(slash + 1)..], out limit);
        }

        return false;
    }

    private static bool TryParseDigits(ReadOnlySpan<char> digits, out uint value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 10)
        {
            return false;
        }

        ulong result = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            result = (result * 10) + (uint)(c - '0');
        }

        if (result > uint.MaxValue)
        {
            return false;
        }

        value = (uint)result;
        return true;
    }
}
