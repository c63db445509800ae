namespace SalesforceAuth.Errors;

/// <summary>
/// The values a sealed exception type carries beyond <see cref="SalesforceErrorDetails"/> (the rate limit's wait, the
/// refused host, the audience sent, the clock readings), handed to <see cref="ErrorCatalog.CreateException"/>, which
/// gives each type the values it exposes.
/// </summary>
internal sealed record ErrorEvidence
{
    public static ErrorEvidence None { get; } = new();

    /// <summary>For <see cref="SalesforceRateLimitException.RetryAfter"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For <see cref="SalesforceUntrustedInstanceException.RefusedHost"/>.</summary>
    public string? RefusedHost { get; init; }

    /// <summary>For <see cref="SalesforceAudienceException.Audience"/>.</summary>
    public string? Audience { get; init; }

    /// <summary>For <see cref="SalesforceAudienceException.AudienceRule"/>.</summary>
    public string? AudienceRule { get; init; }

    /// <summary>For <see cref="SalesforceAssertionExpiredException.ClockSkew"/>.</summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>For <see cref="SalesforceAssertionExpiredException.AssertionExpiresAt"/>.</summary>
    public DateTimeOffset? AssertionExpiresAt { get; init; }

    /// <summary>For <see cref="SalesforceAssertionExpiredException.ServerTime"/>.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>For <see cref="SalesforceAssertionExpiredException.LocalTime"/>.</summary>
    public DateTimeOffset? LocalTime { get; init; }
}
