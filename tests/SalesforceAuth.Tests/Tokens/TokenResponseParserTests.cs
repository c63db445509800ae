using System.Security.Cryptography;
using System.Text;
using SalesforceAuth.Errors;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tests.Tokens;

public sealed class TokenResponseParserTests
{
    [Fact]
    public void TryParseSuccess_AllFields_Read()
    {
        const string body = """
            {"access_token":"00D5g00000XXXXX!AQ0secret","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D/005",
             "token_type":"Bearer","scope":"api web","issued_at":"1278448384422","signature":"c2ln","api_instance_url":"https://api.salesforce.com",
             "sfdc_community_url":"https://acme.my.site.com/c","sfdc_community_id":"0DB000000000001","refresh_token":"5Aep","unknown":{"x":[1,2]}}
            """;

        Assert.True(TokenResponseParser.TryParseSuccess(body, out var r, out var problem));

        Assert.Null(problem);
        Assert.Equal("00D5g00000XXXXX!AQ0secret", r!.AccessToken);
        Assert.Equal("https://acme.my.salesforce.com", r.InstanceUrl);
        Assert.Equal("https://api.salesforce.com", r.ApiInstanceUrl);
        Assert.Equal("1278448384422", r.IssuedAtRaw);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1278448384422), r.IssuedAt);
        Assert.Equal("0DB000000000001", r.CommunityId);
        Assert.Equal("5Aep", r.RefreshToken);
    }

    [Fact]
    public void TryParseSuccess_OnlyAccessToken_Succeeds()
    {
        Assert.True(TokenResponseParser.TryParseSuccess("""{"access_token":"t"}""", out var r, out _));
        Assert.Null(r!.InstanceUrl);
        Assert.Null(r.IssuedAt);
    }

    [Theory]
    [InlineData("1278448384422", 1278448384422L)]
    [InlineData("1278448384", 1278448384000L)]
    public void TryParseSuccess_IssuedAtAsNumber_MillisecondsOrSeconds(string raw, long expectedMs)
    {
        Assert.True(TokenResponseParser.TryParseSuccess($$"""{"access_token":"t","issued_at":{{raw}}}""", out var r, out _));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedMs), r!.IssuedAt);
        Assert.Equal(raw, r.IssuedAtRaw);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("<html>maintenance</html>", "not valid JSON")]
    [InlineData("[1]", "not an object")]
    [InlineData("""{"instance_url":"https://x.salesforce.com"}""", "no access_token")]
    [InlineData("""{"access_token":42}""", "'access_token' is a JSON Number")]
    [InlineData("""{"access_token":"t","instance_url":{"a":1}}""", "'instance_url'")]
    [InlineData("""{"access_token":"t","issued_at":true}""", "'issued_at'")]
    [InlineData("""{"access_token":"t","issued_at":"soon"}""", "'issued_at'")]
    [InlineData("""{"access_token":"t" """, "not valid JSON")]
    public void TryParseSuccess_Malformed_ReturnsProblemWithoutThrowing(string body, string mentions)
    {
        Assert.False(TokenResponseParser.TryParseSuccess(body, out _, out var problem));

        Assert.Contains(mentions, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OAuthErrorBody_ReadsErrorAndDescription()
    {
        var body = OAuthErrorBody.Read("""{"error":"invalid_grant","error_description":"expired authorization code"}""", "application/json");

        Assert.Equal(OAuthErrorBodyKind.OAuthError, body.Kind);
        Assert.Equal("invalid_grant", body.Error);
        Assert.Equal("expired authorization code", body.Description);
        Assert.Equal(OAuthErrorBodyKind.NotJson, OAuthErrorBody.Read("<html/>", "text/html").Kind);
        Assert.Equal(OAuthErrorBodyKind.WrongShape, OAuthErrorBody.Read("""{"error":5}""", "application/json").Kind);
    }

    [Fact]
    public void VerifySignature_MatchesHmacOfIdAndIssuedAt()
    {
        const string id = "https://login.salesforce.com/id/00D/005";
        const string issuedAt = "1278448384422";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("consumer-secret"), Encoding.UTF8.GetBytes(id + issuedAt)));
        var response = new TokenResponse { AccessToken = "t", Id = id, IssuedAtRaw = issuedAt, Signature = signature };

        Assert.True(TokenResponseParser.VerifySignature(response, "consumer-secret"));
        Assert.False(TokenResponseParser.VerifySignature(response, "other-secret"));
        Assert.False(TokenResponseParser.VerifySignature(new TokenResponse { AccessToken = "t", Id = id, IssuedAtRaw = "1278448384423", Signature = signature }, "consumer-secret"));
        Assert.False(TokenResponseParser.VerifySignature(new TokenResponse { AccessToken = "t", Id = id, IssuedAtRaw = issuedAt, Signature = "not base64!" }, "consumer-secret"));
    }
}
