using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>Token endpoint messages (event ids 1000-1999). Hosts, client ids, usernames and outcomes only: never a token, assertion, secret or body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "TokenRequestStarting", Level = LogLevel.Debug, Message = "Requesting a Salesforce token from {Host} for client {ClientId} ({Flow}, user {Username})")]
    public static partial void TokenRequestStarting(ILogger logger, string host, string? clientId, SalesforceFlow flow, string? username);

    [LoggerMessage(EventId = 1001, EventName = "TokenRequestSucceeded", Level = LogLevel.Information, Message = "Salesforce token obtained from {Host} ({Flow}) for instance {InstanceHost} in {DurationMs:F0} ms after {Attempts} attempt(s)")]
    public static partial void TokenRequestSucceeded(ILogger logger, string host, SalesforceFlow flow, string instanceHost, double durationMs, int attempts);

    [LoggerMessage(EventId = 1002, EventName = "TokenRequestFailed", Level = LogLevel.Warning, Message = "Salesforce token request to {Host} ({Flow}) failed: {Reason} (HTTP {StatusCode}) in {DurationMs:F0} ms after {Attempts} attempt(s)")]
    public static partial void TokenRequestFailed(ILogger logger, string host, SalesforceFlow flow, SalesforceReason reason, int? statusCode, double durationMs, int attempts);

    [LoggerMessage(EventId = 1003, EventName = "TokenRequestRetrying", Level = LogLevel.Warning, Message = "Salesforce token endpoint {Host}: transient failure ({Cause}), retry {Retry} in {DelayMs:F0} ms")]
    public static partial void TokenRequestRetrying(ILogger logger, string host, string cause, int retry, double delayMs);

    [LoggerMessage(EventId = 1004, EventName = "TokenRedirectFollowed", Level = LogLevel.Information, Message = "Salesforce token endpoint {FromHost} answered {StatusCode}: posting again to {ToHost}")]
    public static partial void TokenRedirectFollowed(ILogger logger, string fromHost, int statusCode, string toHost);

    [LoggerMessage(EventId = 1005, EventName = "TokenRedirectRefused", Level = LogLevel.Warning, Message = "Salesforce token endpoint {FromHost} redirected to {Target}, which is refused: {Problem}")]
    public static partial void TokenRedirectRefused(ILogger logger, string fromHost, string target, string problem);

    [LoggerMessage(EventId = 1006, EventName = "ClockSkewMeasured", Level = LogLevel.Debug, Message = "Salesforce clock offset {SkewSeconds:F1} s (server {ServerTime:O}, local {LocalTime:O})")]
    public static partial void ClockSkewMeasured(ILogger logger, double skewSeconds, DateTimeOffset serverTime, DateTimeOffset localTime);

    [LoggerMessage(EventId = 1007, EventName = "RetryingWithFreshAssertion", Level = LogLevel.Warning, Message = "Salesforce answered 'expired authorization code'; retrying once with a fresh assertion corrected by {SkewSeconds:F1} s (server {ServerTime:O}, local {LocalTime:O})")]
    public static partial void RetryingWithFreshAssertion(ILogger logger, double skewSeconds, DateTimeOffset? serverTime, DateTimeOffset localTime);

    [LoggerMessage(EventId = 1008, EventName = "ResponseUrlRefused", Level = LogLevel.Warning, Message = "Salesforce token response field {Field} is refused: {Problem}")]
    public static partial void ResponseUrlRefused(ILogger logger, string field, string problem);

    [LoggerMessage(EventId = 1009, EventName = "ResponseSignatureMismatch", Level = LogLevel.Warning, Message = "The signature of the Salesforce token response from {Host} does not verify with the configured client secret")]
    public static partial void ResponseSignatureMismatch(ILogger logger, string host);

}
