using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>Cache log messages (event ids 3000-3999). Names the connection and hosts, never a token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, EventName = "TokenAcquired", Level = LogLevel.Debug, Message = "Salesforce client '{ClientName}' obtained a token for instance {InstanceHost} in {Duration}.")]
    public static partial void TokenAcquired(ILogger logger, string clientName, string instanceHost, TimeSpan duration);

    [LoggerMessage(EventId = 3002, EventName = "TokenEvicted", Level = LogLevel.Debug, Message = "Salesforce client '{ClientName}' evicted its cached token.")]
    public static partial void TokenEvicted(ILogger logger, string clientName);

    [LoggerMessage(EventId = 3003, EventName = "BackgroundRefreshStarted", Level = LogLevel.Debug, Message = "Salesforce client '{ClientName}' is renewing its token in the background; the current token keeps serving.")]
    public static partial void BackgroundRefreshStarted(ILogger logger, string clientName);

    [LoggerMessage(EventId = 3004, EventName = "BackgroundRefreshFailed", Level = LogLevel.Warning, Message = "Salesforce client '{ClientName}' could not renew its token in the background; the current token keeps serving and the renewal is retried in {RetryDelay}.")]
    public static partial void BackgroundRefreshFailed(ILogger logger, string clientName, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(EventId = 3005, EventName = "TokenExpiryRefined", Level = LogLevel.Debug, Message = "Salesforce client '{ClientName}' learned its token's expiry in the background ({ExpiresAt:O}); the cached token was updated without a new token request.")]
    public static partial void TokenExpiryRefined(ILogger logger, string clientName, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 3010, EventName = "DistributedCacheUnavailable", Level = LogLevel.Warning, Message = "The distributed token cache failed ({Operation}); using the in-process cache only until it recovers.")]
    public static partial void DistributedCacheUnavailable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 3011, EventName = "DistributedEntryRejected", Level = LogLevel.Debug, Message = "A distributed token cache entry was ignored: {Why}.")]
    public static partial void DistributedEntryRejected(ILogger logger, string why);

    [LoggerMessage(EventId = 3013, EventName = "DistributedLockWaitElapsed", Level = LogLevel.Warning, Message = "Another instance held the Salesforce token acquisition lock for {Waited} without storing a token; asking Salesforce without the lock (see Salesforce:DistributedCache:LockWait).")]
    public static partial void DistributedLockWaitElapsed(ILogger logger, TimeSpan waited);

    [LoggerMessage(EventId = 3012, EventName = "DistributedCacheRecovered", Level = LogLevel.Information, Message = "The distributed token cache is reachable again.")]
    public static partial void DistributedCacheRecovered(ILogger logger);
}
