using System.Net;
using System.Text;
using SalesforceAuth.Errors;
using static SalesforceAuth.Tests.Errors.TestSecrets;

namespace SalesforceAuth.Tests.Errors;

/// <summary>Every exception the error tests produce is scanned for the credentials planted in the bodies.</summary>
public sealed class SecretLeakTests
{
    public static TheoryData<string> SecretBodies =>
    [
        $$"""{"error":"invalid_grant","error_description":"bad token {{AccessToken}}"}""",
        $$"""{"error":"invalid_grant","error_description":"expired authorization code","assertion":"{{Assertion}}","client_secret":"{{ClientSecret}}"}""",
        $$"""{"error":"{{RefreshToken}}","error_description":"{{Signature}}"}""",
        $$"""{"error":"invalid_grant","error_description":"invalid assertion","error_uri":"https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp?token={{AccessToken}}&sig={{Uri.EscapeDataString(Signature)}}"}""",
        $$"""{"error":"unknown_thing","error_description":"refresh_token={{RefreshToken}}&client_secret={{ClientSecret}}"}""",
        $$"""{"access_token":"{{AccessToken}}","refresh_token":"{{RefreshToken}}","signature":"{{Signature}}","id_token":"{{IdToken}}","instance_url":"https://acme.my.salesforce.com"}""",
        $$"""{"error":"invalid_grant","error_description":"x","access_token":"{{AccessToken}}""",
        $"<html><body>Maintenance. Session {AccessToken} signature {Signature} <input name=\"client_secret\" value=\"{ClientSecret}\"></body></html>",
        $"grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion={Assertion}&client_secret={ClientSecret}",
        $"Bearer {IdToken}",
        $$"""[{"message":"Session {{AccessToken}} expired or invalid","errorCode":"INVALID_SESSION_ID"}]""",
        $$"""[{"message":"Session expired or invalid {{RefreshToken}}","errorCode":"INVALID_SESSION_ID"}]""",
        $$"""[{"message":"bad value {{ClientSecret}}","errorCode":"INVALID_FIELD","fields":["{{Signature}}"]}]""",
        $$"""[{"message":"TotalRequests Limit exceeded. {{IdToken}}","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""",
    ];

    [Theory]
    [MemberData(nameof(SecretBodies))]
    public void MapTokenError_BodyWithSecrets_NoSecretInMessageToStringDataOrDiagnosis(string body)
    {
        foreach (var status in new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable })
        {
            foreach (var flow in Enum.GetValues<SalesforceFlow>())
            {
                foreach (var mediaType in new[] { "application/json", "text/html" })
                {
                    var exception = SalesforceErrorMapper.MapTokenError(new TokenErrorContext
                    {
                        Flow = flow,
                        Endpoint = new Uri("https://login.salesforce.com/services/oauth2/token"),
                        StatusCode = status,
                        MediaType = mediaType,
                        Body = body,
                        LocalTime = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
                    });

                    AssertNoSecrets(exception);
                    Assert.Empty(exception.Data);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(SecretBodies))]
    public async Task EnsureSalesforceSuccessAsync_BodyWithSecrets_NoSecretInMessageToStringDataOrDiagnosis(string body)
    {
        foreach (var status in new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.InternalServerError })
        {
            using var response = new HttpResponseMessage(status)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
                RequestMessage = new HttpRequestMessage(HttpMethod.Get, $"https://acme.my.salesforce.com/services/data/v62.0/query?q=x&access_token={AccessToken}"),
            };

            var exception = await Record.ExceptionAsync(() => response.EnsureSalesforceSuccessAsync(TestContext.Current.CancellationToken));

            Assert.NotNull(exception);
            AssertNoSecrets(exception);
            Assert.Empty(exception.Data);
        }
    }

    [Fact]
    public void UntrustedInstance_UrlWithTokenInQuery_KeepsOnlyTheHost()
    {
        var exception = SalesforceErrorMapper.UntrustedInstance(new Uri($"https://evil.example.com/services/data?sid={AccessToken}"), "instance_url", SalesforceFlow.JwtBearer);

        Assert.Equal("evil.example.com", exception.RefusedHost);
        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, exception.Reason);
        AssertNoSecrets(exception);
    }

    [Fact]
    public void ErrorUri_WithQuery_KeepsSchemeHostAndPathOnly()
    {
        var exception = SalesforceErrorMapper.MapTokenError(new TokenErrorContext
        {
            Flow = SalesforceFlow.SamlBearer,
            Endpoint = new Uri("https://acme.my.salesforce.com/services/oauth2/token"),
            StatusCode = HttpStatusCode.BadRequest,
            MediaType = "application/json",
            Body = $$"""{"error_uri":"https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp?sid={{AccessToken}}","error":"invalid_grant","error_description":"invalid assertion"}""",
            LocalTime = DateTimeOffset.UnixEpoch,
        });

        Assert.Equal(new Uri("https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp"), exception.ErrorUri);
        AssertNoSecrets(exception);
    }

    [Fact]
    public async Task AllCatalogueFixtures_ProducedExceptions_ContainNoPlantedSecret()
    {
        var scanned = 0;
        foreach (var name in ErrorFixture.Names())
        {
            var (exception, _) = await ErrorFixture.Load(name).RunAsync(TestContext.Current.CancellationToken);
            AssertNoSecrets(exception);
            Assert.Empty(exception.Data);
            scanned++;
        }

        Assert.True(scanned >= 60, $"Only {scanned} fixtures scanned.");
    }
}
