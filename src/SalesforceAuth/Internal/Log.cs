using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Internal;

/// <summary>
/// Source-generated log messages. One partial file per area with a fixed event id range:
/// Tokens 1000-1999, Http 2000-2999, Cache 3000-3999, Errors 4000-4999, Assertions and keys 5000-5999, DI 6000-6999.
/// Never log a token, assertion, secret, key, signature or raw response body.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, EventName = "CertificateWarning", Level = LogLevel.Warning, Message = "Salesforce signing certificate: {Warning}")]
    public static partial void CertificateWarning(ILogger logger, string warning);
}
