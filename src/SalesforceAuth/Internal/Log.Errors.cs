using Microsoft.Extensions.Logging;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Internal;

/// <summary>Error mapping events (4000-4999). Only classified values and sanitized wire codes, never a body.</summary>
internal static partial class Log
{
    /// <summary>Logs a refused token request from its mapped exception (reason, wire error code, status, flow, summary).</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="exception">The exception the mapper produced.</param>
    public static void TokenRequestRefused(ILogger logger, SalesforceAuthenticationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (logger.IsEnabled(LogLevel.Warning))
        {
            TokenRequestRefusedCore(logger, exception.Reason, ResponseSanitizer.Excerpt(exception.Error), (int?)exception.StatusCode, exception.Flow, exception.IsTransient, exception.Diagnosis.Summary);
        }
    }

    /// <summary>Logs the renewal decision for a refused REST call.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="failure">The classification.</param>
    /// <param name="host">The request host.</param>
    [LoggerMessage(EventId = 4002, EventName = "RestAuthFailureClassified", Level = LogLevel.Debug, Message = "Salesforce REST response {StatusCode} from {Host} classified as {Failure}")]
    public static partial void RestAuthFailureClassified(ILogger logger, int statusCode, RestAuthFailure failure, string host);

    [LoggerMessage(EventId = 4001, EventName = "TokenRequestRefused", Level = LogLevel.Warning, Message = "Salesforce refused the token request: {Reason} [{Error}] HTTP {StatusCode}, flow {Flow}, transient {IsTransient}. {Summary}")]
    private static partial void TokenRequestRefusedCore(ILogger logger, SalesforceReason reason, string error, int? statusCode, SalesforceFlow? flow, bool isTransient, string summary);
}
