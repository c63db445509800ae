using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>Handler log messages (event ids 2000-2999). Hosts and outcomes only; never a token or a body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, EventName = "ForeignHostRefused", Level = LogLevel.Warning, Message = "Salesforce client '{ClientName}' refused to send a request to {Target}: the token belongs to {InstanceHost}.")]
    public static partial void ForeignHostRefused(ILogger logger, string clientName, string target, string instanceHost);

    [LoggerMessage(EventId = 2002, EventName = "SessionExpiredRenewing", Level = LogLevel.Information, Message = "Salesforce client '{ClientName}': the session expired at {InstanceHost}; renewing it and retrying the request once.")]
    public static partial void SessionExpiredRenewing(ILogger logger, string clientName, string instanceHost);

    [LoggerMessage(EventId = 2003, EventName = "SessionNotValidForApi", Level = LogLevel.Warning, Message = "Salesforce client '{ClientName}': the session is not valid for use with the REST API at {InstanceHost}; a new token cannot fix this (check High Assurance, IP relaxation and the session policy of the app).")]
    public static partial void SessionNotValidForApi(ILogger logger, string clientName, string instanceHost);

    [LoggerMessage(EventId = 2004, EventName = "SessionExpiredNotReplayable", Level = LogLevel.Warning, Message = "Salesforce client '{ClientName}': the session expired, and the request body cannot be sent twice, so the 401 is returned; the token was evicted and the next request gets a new one.")]
    public static partial void SessionExpiredNotReplayable(ILogger logger, string clientName);

    [LoggerMessage(EventId = 2005, EventName = "SessionExpiredAfterRenewal", Level = LogLevel.Error, Message = "Salesforce client '{ClientName}': the session was rejected again at {InstanceHost} right after renewal; not retrying.")]
    public static partial void SessionExpiredAfterRenewal(ILogger logger, string clientName, string instanceHost);

    [LoggerMessage(EventId = 2006, EventName = "ApiUsageHigh", Level = LogLevel.Warning, Message = "Salesforce client '{ClientName}': the org has used {Used} of its {Limit} daily API requests, above the warning share {Threshold:P0} (ApiUsageWarningThreshold); when the limit is reached every integration of the org is refused until the 24-hour window moves on.")]
    public static partial void ApiUsageHigh(ILogger logger, string clientName, long used, long limit, double threshold);
}
