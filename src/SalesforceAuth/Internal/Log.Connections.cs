using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>Messages of connections resolved at run time (event ids 3100-3199). Connection ids, hosts and counts only.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3101, EventName = "ConnectionResolved", Level = LogLevel.Debug, Message = "Salesforce connection '{ConnectionId}' resolved: {Flow} at {LoginHost}.")]
    public static partial void ConnectionResolved(ILogger logger, string connectionId, SalesforceFlow flow, string loginHost);

    [LoggerMessage(EventId = 3102, EventName = "ConnectionResolveFailed", Level = LogLevel.Warning, Message = "Salesforce connection '{ConnectionId}' could not be resolved; the next call asks the resolver again.")]
    public static partial void ConnectionResolveFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 3103, EventName = "CachedTokensTrimmed", Level = LogLevel.Debug, Message = "{Count} cached Salesforce token(s) idle for {IdleTimeout} were dropped, {Connections} of them with their resolved connection; {Remaining} remain.")]
    public static partial void CachedTokensTrimmed(ILogger logger, int count, int connections, TimeSpan idleTimeout, int remaining);

    [LoggerMessage(EventId = 3104, EventName = "CachedTokensEvicted", Level = LogLevel.Information, Message = "{Count} least recently used cached Salesforce token(s) were dropped, {Connections} of them with their resolved connection, to stay within Salesforce:Connections:MaxCachedTokens ({MaxCachedTokens}).")]
    public static partial void CachedTokensEvicted(ILogger logger, int count, int connections, int maxCachedTokens);

    [LoggerMessage(EventId = 3105, EventName = "ConnectionReloaded", Level = LogLevel.Information, Message = "Salesforce connection '{ConnectionId}' was reloaded: its settings are resolved again at the next call.")]
    public static partial void ConnectionReloaded(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 3106, EventName = "ConnectionRemoved", Level = LogLevel.Information, Message = "Salesforce connection '{ConnectionId}' was removed ({Revoked} token(s) revoked).")]
    public static partial void ConnectionRemoved(ILogger logger, string connectionId, int revoked);
}
