namespace SalesforceAuth;

/// <summary>Names of the telemetry SalesforceAuth emits, for OpenTelemetry and <c>dotnet-counters</c> configuration.</summary>
public static class SalesforceTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: spans for token requests and session renewals.</summary>
    public const string ActivitySourceName = "SalesforceAuth";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name.</summary>
    public const string MeterName = "SalesforceAuth";

    /// <summary>Counter: tokens requested from the token endpoint, tagged <c>salesforce.flow</c> and <c>salesforce.outcome</c> (<c>success</c> or a <see cref="SalesforceReason"/> name).</summary>
    public const string TokenRequests = "salesforce.auth.token.requests";

    /// <summary>Histogram (seconds): duration of a token acquisition, retries included, tagged <c>salesforce.flow</c> and <c>salesforce.outcome</c>.</summary>
    public const string TokenRequestDuration = "salesforce.auth.token.duration";

    /// <summary>Counter: token cache lookups, tagged <c>salesforce.cache.result</c> (<c>hit</c>, <c>miss</c>, <c>stale</c>) and <c>salesforce.cache.level</c> (<c>memory</c>, <c>distributed</c>).</summary>
    public const string CacheLookups = "salesforce.auth.cache.lookups";

    /// <summary>
    /// Counter: sessions renewed after Salesforce rejected a token (a <c>401 INVALID_SESSION_ID</c> through the handler, a
    /// Pub/Sub <c>UNAUTHENTICATED</c>, or a call of <see cref="ISalesforceTokenProvider.RenewTokenAsync"/>).
    /// </summary>
    public const string SessionRenewals = "salesforce.auth.session.renewals";

    /// <summary>Counter: requests refused because their target was not the token's own host.</summary>
    public const string ForeignHostRefusals = "salesforce.auth.foreign_host.refusals";

    /// <summary>Counter: retries of token endpoint requests, tagged <c>salesforce.retry.cause</c>.</summary>
    public const string TokenRetries = "salesforce.auth.token.retries";

    /// <summary>Counter: introspection, revocation and userinfo requests, tagged <c>salesforce.operation</c> (<c>introspect</c>, <c>revoke</c>, <c>userinfo</c>) and <c>salesforce.outcome</c>.</summary>
    public const string LifecycleRequests = "salesforce.auth.lifecycle.requests";

    /// <summary>Counter: refresh tokens rotated by Salesforce, tagged <c>salesforce.outcome</c> (<c>saved</c> or <c>save_failed</c>).</summary>
    public const string RefreshTokenRotations = "salesforce.auth.refresh_token.rotations";

    /// <summary>
    /// Observable gauge: API requests the org of a connection made in the last 24 hours, as its last REST response's
    /// <c>Sforce-Limit-Info</c> said; tagged <c>salesforce.client</c> (the connection name, never a user).
    /// </summary>
    public const string ApiUsage = "salesforce.auth.api.usage";

    /// <summary>Observable gauge: the daily API request limit of the org of a connection (<c>Sforce-Limit-Info</c>); tagged <c>salesforce.client</c>.</summary>
    public const string ApiLimit = "salesforce.auth.api.limit";
}
