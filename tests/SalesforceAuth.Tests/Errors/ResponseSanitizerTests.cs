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

    [Theory]
    [InlineData("5Aep8614iLMDq661ePDmPEgaAW9OhL3JKkDpB4xReb54pZebnUG0h6Sb4KUVDpNtWEofWM39yg", 31)]
    [InlineData("5Aep8614iLMDq661ePDmPEgaAW9OhL3JKkDpB4xReb54pZebnUG0h6Sb4KUVDpNtWEofWM39yg", 12)]
    [InlineData("00D5g00000XXXXX!AQ0AQH0dMHZfz972SECRETACCESSTOKENVALUE", 14)]
    public void Excerpt_CredentialStraddlingCharacter4096_RedactedWhole(string credential, int headBefore4096)
    {
        // Whitespace collapses, so the credential is the first printable text however far in it starts.
        var text = new string(' ', 4096 - headBefore4096) + credential + " tail";

        var excerpt = ResponseSanitizer.Excerpt(text);

        Assert.Equal("[redacted] tail", excerpt);
    }

    [Fact]
    public void MapRestError_CredentialStraddlingByte4096_NotInTheExcerpt()
    {
        const string credential = "00D5g00000XXXXX!AQ0AQH0dMHZfz972SECRETACCESSTOKENVALUE";
        var body = System.Text.Encoding.UTF8.GetBytes(new string(' ', 4096 - 14) + credential);

        var error = Assert.IsAssignableFrom<SalesforceAuthenticationException>(
            SalesforceErrorMapper.MapRestError(System.Net.HttpStatusCode.Unauthorized, "text/plain", body, new Uri("https://acme.my.salesforce.com/services/data"), null, null));

        Assert.DoesNotContain(error.Diagnosis.Facts.Values, v => v.Contains("00D5g", StringComparison.Ordinal));
        Assert.DoesNotContain("00D5g", error.Message, StringComparison.Ordinal);
    }
}
