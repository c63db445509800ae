using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class ResponseSanitizerTests
{
    [Theory]
    [InlineData("""{"access_token":"00D5g00000XXXXX!AQ0abc","x":1}""", """{"access_token":"[redacted]","x":1}""")]
    [InlineData("""{"Signature" : "abc=="}""", """{"Signature":"[redacted]"}""")]
    [InlineData("grant_type=refresh_token&refresh_token=5Aep861&client_id=3MVG9", "grant_type=refresh_token&refresh_token=[redacted]&client_id=3MVG9")]
    [InlineData("session 00D5g00000XXXXX!AQ0AQH0dMHZfz972 ended", "session [redacted] ended")]
    [InlineData("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln here", "token [redacted] here")]
    [InlineData("<saml:Assertion><ds:SignatureValue>AbCd</ds:SignatureValue>", "<saml:Assertion><ds:SignatureValue>[redacted]</ds:SignatureValue>")]
    [InlineData("invalid assertion", "invalid assertion")]
    [InlineData("https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp", "https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp")]
    public void Excerpt_RedactsCredentialShapedValuesAndKeepsTheRest(string input, string expected) =>
        Assert.Equal(expected, ResponseSanitizer.Excerpt(input));

    [Fact]
    public void Excerpt_ControlCharactersAndLongText_StrippedAndCapped()
    {
        var excerpt = ResponseSanitizer.Excerpt("line1\r\n\tline2\u0000\u202Eevil " + string.Join(' ', Enumerable.Repeat("word", 200)));

        Assert.StartsWith("line1 line2 evil word", excerpt, StringComparison.Ordinal);
        Assert.Equal(ResponseSanitizer.MaxExcerptLength, excerpt.Length);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(excerpt, c => char.IsControl(c) || c == '\u202E');
    }

    [Fact]
    public void Excerpt_Null_IsEmpty() => Assert.Equal(string.Empty, ResponseSanitizer.Excerpt(null));
}
