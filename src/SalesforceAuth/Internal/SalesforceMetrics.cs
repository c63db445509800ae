using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SalesforceAuth.Internal;

/// <summary>The instruments of <see cref="SalesforceTelemetry.MeterName"/>, created through <see cref="IMeterFactory"/> when one is available.</summary>
internal sealed class SalesforceMetrics
{
    /// <summary>The activity source for spans.</summary>
    public static readonly ActivitySource ActivitySource = new(SalesforceTelemetry.ActivitySourceName);

    // The connections whose API usage the gauges report; a connection leaves when it is disposed.
    private readonly ConcurrentDictionary<ApiUsageTracker, byte> _apiUsage = new();

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The factory, or <see langword="null"/> for a private meter.</param>
    public SalesforceMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(SalesforceTelemetry.MeterName) ?? new Meter(SalesforceTelemetry.MeterName);
        TokenRequests = meter.CreateCounter<long>(SalesforceTelemetry.TokenRequests, "{request}", "Token endpoint requests by flow and outcome.");
        TokenRequestDuration = meter.CreateHistogram<double>(SalesforceTelemetry.TokenRequestDuration, "s", "Token acquisition duration, retries included.");
        CacheLookups = meter.CreateCounter<long>(SalesforceTelemetry.CacheLookups, "{lookup}", "Token cache lookups by result and level.");
        SessionRenewals = meter.CreateCounter<long>(SalesforceTelemetry.SessionRenewals, "{renewal}", "Sessions renewed after 401 INVALID_SESSION_ID.");
        ForeignHostRefusals = meter.CreateCounter<long>(SalesforceTelemetry.ForeignHostRefusals, "{request}", "Requests refused because the target was not the token's host.");
        TokenRetries = meter.CreateCounter<long>(SalesforceTelemetry.TokenRetries, "{retry}", "Retries of token endpoint requests by cause.");
        LifecycleRequests = meter.CreateCounter<long>(SalesforceTelemetry.LifecycleRequests, "{request}", "Introspection, revocation and userinfo requests by operation and outcome.");
        RefreshTokenRotations = meter.CreateCounter<long>(SalesforceTelemetry.RefreshTokenRotations, "{rotation}", "Refresh tokens rotated by Salesforce, by whether the store saved them.");
        meter.CreateObservableGauge(SalesforceTelemetry.ApiUsage, () => ObserveApiUsage(limit: false), "{request}", "API requests of the connection's org in the last 24 hours (Sforce-Limit-Info).");
        meter.CreateObservableGauge(SalesforceTelemetry.ApiLimit, () => ObserveApiUsage(limit: true), "{request}", "Daily API request limit of the connection's org (Sforce-Limit-Info).");
    }

    /// <summary>Reports a connection's API usage through the gauges until <see cref="Untrack"/>.</summary>
    /// <param name="tracker">The connection's tracker.</param>
    public void Track(ApiUsageTracker tracker) => _apiUsage.TryAdd(tracker, 0);

    /// <summary>Stops reporting a connection's API usage.</summary>
    /// <param name="tracker">The connection's tracker.</param>
    public void Untrack(ApiUsageTracker tracker) => _apiUsage.TryRemove(tracker, out _);

    private IEnumerable<Measurement<long>> ObserveApiUsage(bool limit)
    {
        foreach (var tracker in _apiUsage.Keys)
        {
            if (tracker.TryGet(out var used, out var allowed))
            {
                yield return new Measurement<long>(limit ? allowed : used, new KeyValuePair<string, object?>("salesforce.client", tracker.ConnectionName));
            }
        }
    }

    /// <summary>A shared instance for code paths without dependency injection.</summary>
    public static SalesforceMetrics Shared { get; } = new(null);

    /// <summary>See <see cref="SalesforceTelemetry.TokenRequests"/>.</summary>
    public Counter<long> TokenRequests { get; }

    /// <summary>See <see cref="SalesforceTelemetry.TokenRequestDuration"/>.</summary>
    public Histogram<double> TokenRequestDuration { get; }

    /// <summary>See <see cref="SalesforceTelemetry.CacheLookups"/>.</summary>
    public Counter<long> CacheLookups { get; }

    /// <summary>See <see cref="SalesforceTelemetry.SessionRenewals"/>.</summary>
    public Counter<long> SessionRenewals { get; }

    /// <summary>See <see cref="SalesforceTelemetry.ForeignHostRefusals"/>.</summary>
    public Counter<long> ForeignHostRefusals { get; }

    /// <summary>See <see cref="SalesforceTelemetry.TokenRetries"/>.</summary>
    public Counter<long> TokenRetries { get; }

    /// <summary>See <see cref="SalesforceTelemetry.LifecycleRequests"/>.</summary>
    public Counter<long> LifecycleRequests { get; }

    /// <summary>See <see cref="SalesforceTelemetry.RefreshTokenRotations"/>.</summary>
    public Counter<long> RefreshTokenRotations { get; }
}
