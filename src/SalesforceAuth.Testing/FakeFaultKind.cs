namespace SalesforceAuth.Testing;

/// <summary>What an injected <see cref="FakeFault"/> does.</summary>
public enum FakeFaultKind
{
    /// <summary>Answer with a status code and a short body.</summary>
    Status,

    /// <summary>Answer <c>503</c> with an HTML maintenance page.</summary>
    Maintenance,

    /// <summary>Answer <c>400 rate_limit_exceeded</c> / <c>number of logins exceeded</c>.</summary>
    RateLimitExceeded,

    /// <summary>Answer a redirect to another URL.</summary>
    Redirect,

    /// <summary>Wait, then process the request normally.</summary>
    Delay,

    /// <summary>Abort the connection without a response.</summary>
    DropConnection,
}
