using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>Token endpoint messages (event ids 1000-1999). Hosts, client ids, usernames and outcomes only: never a token, assertion, secret or body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "TokenRequestStarting", Level = LogLevel.Debug, Message = "Requesting a Salesforce token from {Host} for client {ClientId} ({Flow}, user {Username})")]
    public static partial void TokenRequestStarting(ILogger logger, string host, string? clientId, SalesforceFlow flow, string? username);

    [LoggerMessage(EventId = 1001, EventName = "TokenRequestSucceeded", Level = LogLevel.Information, Message = "Salesforce token obtained from {Host} ({Flow}) for instance {InstanceHost} in {DurationMs:F0} ms after {Attempts} attempt(s)")]
    public static partial void TokenRequestSucceeded(ILogger logger, string host, SalesforceFlow flow, string instanceHost, double durationMs, int attempts);

    [LoggerMessage(EventId = 1002, EventName = "TokenRequestFailed", Level = LogLevel.Warning, Message = "Salesforce token request to {Endpoint} ({Flow}) failed: {Reason} ({Cause}) in {DurationMs:F0} ms after {Attempts} attempt(s)")]
    public static partial void TokenRequestFailed(ILogger logger, string endpoint, SalesforceFlow flow, SalesforceReason reason, string cause, double durationMs, int attempts);

    [LoggerMessage(EventId = 1003, EventName = "TokenRequestRetrying", Level = LogLevel.Warning, Message = "Salesforce token endpoint {Host}: transient failure ({Cause}), retry {Retry} in {DelayMs:F0} ms")]
    public static partial void TokenRequestRetrying(ILogger logger, string host, string cause, int retry, double delayMs);

    [LoggerMessage(EventId = 1004, EventName = "TokenRedirectFollowed", Level = LogLevel.Information, Message = "Salesforce token endpoint {FromHost} answered {StatusCode}: posting again to {ToHost}")]
    public static partial void TokenRedirectFollowed(ILogger logger, string fromHost, int statusCode, string toHost);

    [LoggerMessage(EventId = 1005, EventName = "TokenRedirectRefused", Level = LogLevel.Warning, Message = "Salesforce token endpoint {FromHost} redirected to {Target}, which is refused: {Problem}")]
    public static partial void TokenRedirectRefused(ILogger logger, string fromHost, string target, string problem);

    [LoggerMessage(EventId = 1006, EventName = "ClockSkewMeasured", Level = LogLevel.Debug, Message = "Salesforce clock offset {SkewSeconds:F1} s (server {ServerTime:O}, local {LocalTime:O})")]
    public static partial void ClockSkewMeasured(ILogger logger, double skewSeconds, DateTimeOffset serverTime, DateTimeOffset localTime);

    [LoggerMessage(EventId = 1020, EventName = "ClockSkewIgnored", Level = LogLevel.Warning, Message = "The Date header of {Host} ({ServerTime:O}, local {LocalTime:O}) is more than {MaxSkewHours:F0} h off and is not used for clock-skew compensation")]
    public static partial void ClockSkewIgnored(ILogger logger, string host, DateTimeOffset serverTime, DateTimeOffset localTime, double maxSkewHours);

    [LoggerMessage(EventId = 1021, EventName = "ResponseTooLarge", Level = LogLevel.Warning, Message = "{Host} answered {StatusCode} with a body over {MaxBytes} bytes; it was not read")]
    public static partial void ResponseTooLarge(ILogger logger, string host, int statusCode, int maxBytes);

    [LoggerMessage(EventId = 1007, EventName = "RetryingWithFreshAssertion", Level = LogLevel.Warning, Message = "Salesforce answered 'expired authorization code'; retrying once with a fresh assertion corrected by {SkewSeconds:F1} s (server {ServerTime:O}, local {LocalTime:O})")]
    public static partial void RetryingWithFreshAssertion(ILogger logger, double skewSeconds, DateTimeOffset? serverTime, DateTimeOffset localTime);

    [LoggerMessage(EventId = 1008, EventName = "ResponseUrlRefused", Level = LogLevel.Warning, Message = "Salesforce token response field {Field} is refused: {Problem}")]
    public static partial void ResponseUrlRefused(ILogger logger, string field, string problem);

    [LoggerMessage(EventId = 1009, EventName = "ResponseSignatureMismatch", Level = LogLevel.Warning, Message = "The signature of the Salesforce token response from {Host} does not verify with the configured client secret")]
    public static partial void ResponseSignatureMismatch(ILogger logger, string host);

    // Flows and token lifecycle (1100-1199).
    [LoggerMessage(EventId = 1100, EventName = "TokenIntrospected", Level = LogLevel.Debug, Message = "Salesforce introspection at {Host}: active {Active}, token type {TokenType}")]
    public static partial void TokenIntrospected(ILogger logger, string host, bool active, string? tokenType);

    [LoggerMessage(EventId = 1101, EventName = "TokenRevoked", Level = LogLevel.Information, Message = "Salesforce token revoked at {Host}")]
    public static partial void TokenRevoked(ILogger logger, string host);

    [LoggerMessage(EventId = 1102, EventName = "IntrospectedExpiryApplied", Level = LogLevel.Debug, Message = "Salesforce token expiry learned by introspection: {ExpiresAt:O} (session lifetime setting not used)")]
    public static partial void IntrospectedExpiryApplied(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1103, EventName = "IntrospectionFailed", Level = LogLevel.Warning, Message = "Salesforce introspection of a new token failed ({Reason}); its expiry falls back to the configured session lifetime")]
    public static partial void IntrospectionFailed(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 1104, EventName = "IntrospectionInactive", Level = LogLevel.Warning, Message = "Salesforce introspection reports a just-issued token as inactive or without exp; its expiry falls back to the configured session lifetime (does the app have the secret configured in ClientSecret?)")]
    public static partial void IntrospectionInactive(ILogger logger);

    [LoggerMessage(EventId = 1110, EventName = "RefreshTokenRotated", Level = LogLevel.Information, Message = "Salesforce rotated the refresh token of client {ClientId}; the new one was saved to the refresh token store")]
    public static partial void RefreshTokenRotated(ILogger logger, string? clientId);

    [LoggerMessage(EventId = 1111, EventName = "RefreshTokenSaveFailed", Level = LogLevel.Error, Message = "Salesforce rotated the refresh token of client {ClientId}, but saving the new one to the refresh token store failed; it is kept in memory and the save is retried by the next token request")]
    public static partial void RefreshTokenSaveFailed(ILogger logger, string? clientId, Exception exception);

    [LoggerMessage(EventId = 1112, EventName = "RefreshTokenSaveRecovered", Level = LogLevel.Information, Message = "The rotated refresh token of client {ClientId} was saved to the refresh token store on a later attempt")]
    public static partial void RefreshTokenSaveRecovered(ILogger logger, string? clientId);

    [LoggerMessage(EventId = 1113, EventName = "RefreshInProgressElsewhere", Level = LogLevel.Warning, Message = "Salesforce answered 'token request is already being processed' for client {ClientId}: another process is refreshing the same refresh token; waiting {DelayMs:F0} ms for it to store the result instead of resending")]
    public static partial void RefreshInProgressElsewhere(ILogger logger, string? clientId, double delayMs);

    [LoggerMessage(EventId = 1114, EventName = "RefreshJoined", Level = LogLevel.Debug, Message = "A refresh with the same refresh token is already in flight for client {ClientId}; waiting for its result")]
    public static partial void RefreshJoined(ILogger logger, string? clientId);
}
