
namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// A token as the cache holds it: the token, when to renew it in the background, when it stops being usable, and what
/// the handler needs on every request (the instance base, precomputed so the hot path does not allocate it).
/// </summary>
internal sealed class CachedToken
{
    // Set by a one-shot TimeProvider timer at RefreshAt: until then the hot path needs no clock read at all. A timer
    // that fires early only sends callers to the exact clock comparison, so correctness never depends on its timing.
    private volatile bool _mayBeStale = true;
    private ITimer? _staleTimer;

    /// <summary>Creates the cache value.</summary>
    /// <param name="token">The token.</param>
    /// <param name="refreshAt">From this time on the token is stale: it still serves while a background refresh runs.</param>
    /// <param name="hardExpiry">From this time on the token is not served; <see langword="null"/> when only a 401 can tell (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm).</param>
    public CachedToken(SalesforceToken token, DateTimeOffset refreshAt, DateTimeOffset? hardExpiry)
    {
        Token = token;
        RefreshAt = refreshAt;
        HardExpiry = hardExpiry;
        InstanceBase = token.InstanceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>The token.</summary>
    public SalesforceToken Token { get; }

    /// <summary>The soft expiry (with jitter).</summary>
    public DateTimeOffset RefreshAt { get; }

    /// <summary>The hard expiry, when one is known.</summary>
    public DateTimeOffset? HardExpiry { get; }

    /// <summary>Whether <see cref="RefreshAt"/> may have passed (the clock must be read); <see langword="false"/> means it has not.</summary>
    public bool MayBeStale => _mayBeStale;

    /// <summary>
    /// Arms the staleness timer; call once, when the token enters the cache. An unarmed token always takes the exact
    /// clock comparison.
    /// </summary>
    /// <param name="timeProvider">The clock whose timers to use.</param>
    /// <param name="now">The current time.</param>
    public void ArmStaleTimer(TimeProvider timeProvider, DateTimeOffset now)
    {
        var due = RefreshAt - now;
        if (due <= TimeSpan.Zero)
        {
            return;
        }

        // Cleared before the timer exists, so a timer that fires at once still leaves the flag set.
        _mayBeStale = false;
        _staleTimer = timeProvider.CreateTimer(static state => ((CachedToken)state!).MarkMayBeStale(), this, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Releases the staleness timer (the token left the cache).</summary>
    public void DisarmStaleTimer()
    {
        _mayBeStale = true;
        Interlocked.Exchange(ref _staleTimer, null)?.Dispose();
    }

    private void MarkMayBeStale()
    {
        _mayBeStale = true;
        Interlocked.Exchange(ref _staleTimer, null)?.Dispose();
    }

    /// <summary>The <c>instance_url</c> without a trailing slash: requests are rewritten to <c>InstanceBase + path + query</c> (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5: don't double the slash).</summary>
    public string InstanceBase { get; }

    /// <summary>
    /// Computes the soft and hard expiry of a new token. Salesforce sends no <c>expires_in</c> (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5; Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm): a known
    /// <see cref="SalesforceToken.ExpiresAt"/> (introspection) is a hard limit and the token is renewed a margin before
    /// it; otherwise the configured session lifetime only schedules a background renewal and a <c>401</c> is the
    /// authority. The jitter spreads the renewals of a fleet that obtained its tokens at the same moment.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="sessionLifetime">The configured session lifetime.</param>
    /// <param name="now">The current time.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    /// <returns>The cache value.</returns>
    public static CachedToken Create(SalesforceToken token, TimeSpan sessionLifetime, DateTimeOffset now, double jitter)
    {
        var obtained = token.ObtainedAt == default ? now : token.ObtainedAt;
        if (sessionLifetime <= TimeSpan.Zero)
        {
            sessionLifetime = TimeSpan.FromMinutes(110);
        }

        // Up to 10% of the lifetime, at most 5 minutes, earlier than the nominal time.
        var spread = TimeSpan.FromTicks(Math.Min(sessionLifetime.Ticks / 10, TimeSpan.FromMinutes(5).Ticks));
        var early = TimeSpan.FromTicks((long)(spread.Ticks * jitter));
        // Only a learned expiry is hard: the token client also fills ExpiresAt with its estimate (ObtainedAt +
        // SessionLifetime), which must keep serving while the background renewal runs and leave the verdict to a 401.
        if (token.HasKnownExpiry && token.ExpiresAt is { } expires)
        {
            var lifetime = expires - obtained;
            var margin = TimeSpan.FromTicks(Math.Max(0, Math.Min(lifetime.Ticks / 10, TimeSpan.FromMinutes(5).Ticks)));
            return new CachedToken(token, expires - margin - early, expires);
        }

        return new CachedToken(token, obtained + sessionLifetime - early, null);
    }
}
