using System.Net;
using System.Text;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class RestErrorClassifierTests
{
    [Theory]
    [InlineData(401, "application/json", """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", "SessionExpired")]
    [InlineData(401, "application/json", """[{"message":"session EXPIRED or invalid","errorCode":"INVALID_SESSION_ID"}]""", "SessionExpired")]
    [InlineData(401, "application/json", """[{"errorCode":"INVALID_AUTH_HEADER","message":"INVALID_JWT_FORMAT"}]""", "SessionExpired")]
    [InlineData(403, "text/plain", "Bad_OAuth_Token", "SessionExpired")]
    [InlineData(403, "text/plain", "Bad_OAuth_Token\n", "SessionExpired")]
    [InlineData(401, "application/json", """[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]""", "NotRenewable")]
    [InlineData(401, "application/json", """[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]""", "NotRenewable")]
    [InlineData(401, "application/json", """[{"message":"INVALID_SCOPES","errorCode":"INVALID_AUTH_HEADER"}]""", "NotRenewable")]
    [InlineData(403, "application/json", """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", "None")]
    [InlineData(400, "application/json", """[{"message":"No such column","errorCode":"INVALID_FIELD"}]""", "None")]
    [InlineData(400, "application/xml", "<error><exceptionCode>InvalidSessionId</exceptionCode></error>", "SessionExpired")]
    [InlineData(500, "text/xml", "<soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode></soapenv:Fault>", "SessionExpired")]
    [InlineData(401, "text/html", "<html>nope</html>", "SessionExpired")]
    [InlineData(401, "application/json", """[{"message":"Session expired""", "SessionExpired")]
    [InlineData(403, "application/json", """[{"message":"Session expired""", "None")]
    [InlineData(200, "application/json", """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", "None")]
    [InlineData(404, "application/json", """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", "None")]
    public void Classify_KnownResponses_DecidesRenewal(int status, string mediaType, string body, string expected)
    {
        Assert.Equal(expected, RestErrorClassifier.Classify((HttpStatusCode)status, mediaType, Encoding.UTF8.GetBytes(body)).ToString());
        Assert.Equal(expected, RestErrorClassifier.Classify((HttpStatusCode)status, mediaType, body).ToString());
    }

    [Fact]
    public void Read_ErrorArray_ReturnsFirstErrorFieldsAndCount()
    {
        var info = RestErrorClassifier.Read("""[{"message":"m1","errorCode":"C1","fields":["A","B"],"extra":{"x":[1,2]}},{"message":"m2","errorCode":"C2"}]"""u8, "application/json");

        Assert.Equal("C1", info.ErrorCode);
        Assert.Equal("m1", info.Message);
        Assert.Equal(["A", "B"], info.Fields);
        Assert.Equal(2, info.Count);
    }

    [Fact]
    public async Task EnsureSalesforceSuccessAsync_Success_ReturnsTheSameResponse()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };

        Assert.Same(response, await response.EnsureSalesforceSuccessAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EnsureSalesforceSuccessAsync_RateLimitWithRetryAfter_CarriesRetryAfter()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("""[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", Encoding.UTF8, "application/json"),
        };
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));

        var exception = await Assert.ThrowsAsync<SalesforceRateLimitException>(() => response.EnsureSalesforceSuccessAsync(TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromSeconds(20), exception.RetryAfter);
        Assert.True(exception.IsTransient);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", exception.Error);
        Assert.Equal(HttpStatusCode.Forbidden, exception.StatusCode);
    }

    [Fact]
    public async Task EnsureSalesforceSuccessAsync_SessionExpired_IsCatchableAsAuthenticationFailure()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", Encoding.UTF8, "application/json"),
        };

        var exception = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => response.EnsureSalesforceSuccessAsync(TestContext.Current.CancellationToken));

        Assert.IsType<SalesforceSessionExpiredException>(exception);
        Assert.Equal("Session expired or invalid", exception.ErrorDescription);
    }

    [Fact]
    public async Task EnsureSalesforceSuccessAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("[]") };
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => response.EnsureSalesforceSuccessAsync(cts.Token));
    }
}
