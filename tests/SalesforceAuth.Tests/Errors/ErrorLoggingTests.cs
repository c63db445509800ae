using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tests.Errors;

public sealed class ErrorLoggingTests
{
    [Fact]
    public void TokenRequestRefused_LogsReasonAndSanitizedCodeWithoutSecrets()
    {
        var logger = new FakeLogger();
        var exception = SalesforceErrorMapper.MapTokenError(new TokenErrorContext
        {
            Flow = SalesforceFlow.RefreshToken,
            Endpoint = new Uri("https://acme.my.salesforce.com/services/oauth2/token"),
            StatusCode = HttpStatusCode.BadRequest,
            MediaType = "application/json",
            Body = $$"""{"error":"invalid_grant","error_description":"expired access/refresh token","refresh_token":"{{TestSecrets.RefreshToken}}"}""",
            LocalTime = DateTimeOffset.UnixEpoch,
        });

        Log.TokenRequestRefused(logger, exception);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(4001, record.Id.Id);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("RefreshTokenExpired", record.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.Marker, record.Message, StringComparison.OrdinalIgnoreCase);
    }
}
