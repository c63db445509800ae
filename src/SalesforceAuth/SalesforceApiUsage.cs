using System.Globalization;

namespace SalesforceAuth;

/// <summary>
/// The API request usage of a connection's org as Salesforce last reported it: every REST response carries
/// <c>Sforce-Limit-Info: api-usage=used/limit</c>, the requests made in the last 24 hours against the org's daily
/// allowance (Salesforce REST API Developer Guide, "Response Headers",
/// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm). Running out stops
/// every integration of the org until the window moves on.
/// </summary>
public sealed class SalesforceApiUsage
{
    /// <summary>Creates a figure.</summary>
    /// <param name="used">Requests made in the last 24 hours.</param>
    /// <param name="limit">The org's daily allowance.</param>
    /// <exception cref="ArgumentOutOfRangeException">A figure is negative.</exception>
    public SalesforceApiUsage(long used, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(used);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Used = used;
        Limit = limit;
    }

    /// <summary>Requests made in the last 24 hours (may exceed <see cref="Limit"/>: Salesforce allows some overage).</summary>
    public long Used { get; }

    /// <summary>The org's daily allowance.</summary>
    public long Limit { get; }

    /// <summary><see cref="Used"/> as a share of <see cref="Limit"/> (1 means the limit is reached); 0 when the limit is 0.</summary>
    public double Share => Limit == 0 ? 0 : (double)Used / Limit;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"api-usage={Used}/{Limit}");
}
