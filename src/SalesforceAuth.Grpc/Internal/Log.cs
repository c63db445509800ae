using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// Source-generated log messages of the gRPC package, event ids 7000-7999 (the core package uses 1000-6999). Never log a
/// token, the headers that carry it, or a raw response.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, EventName = "PubSubSessionRejectedRenewing", Level = LogLevel.Information, Message = "Salesforce client '{ClientName}': the Pub/Sub API refused the session for {Method}; renewing it and retrying the call once.")]
    public static partial void SessionRejectedRenewing(ILogger logger, string clientName, string method);

    [LoggerMessage(EventId = 7002, EventName = "PubSubSessionRejectedAfterRenewal", Level = LogLevel.Error, Message = "Salesforce client '{ClientName}': the Pub/Sub API refused the session for {Method} again right after renewal; not retrying (check the tenantid and instanceurl the token gives, and the user's API access).")]
    public static partial void SessionRejectedAfterRenewal(ILogger logger, string clientName, string method);

    [LoggerMessage(EventId = 7003, EventName = "PubSubStreamInterrupted", Level = LogLevel.Information, Message = "Salesforce client '{ClientName}': the session ended during the {Method} stream; the token was renewed and the caller can resume (replay id kept: {HasReplayId}).")]
    public static partial void StreamInterrupted(ILogger logger, string clientName, string method, bool hasReplayId);
}
