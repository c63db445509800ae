using CsCheck;
using SalesforceAuth.Http;

namespace SalesforceAuth.Tests.Http;

/// <summary>
/// The handler rewrites placeholder URIs without parsing them when their text is plain; these tests hold that fast path
/// to the general one (<c>instance base + PathAndQuery</c>) for anything a caller can write.
/// </summary>
public sealed class PlaceholderRewriteTests
{
    private static readonly Gen<string> RelativeUris = Gen.OneOf<string>(
            "a", "Z9", "services", "data", "v62.0", "/", "//", ".", "..", "./", "../", "?", "=", "&", "-", "_", "~",
            "%20", "%2F", "%2e", " ", "#", "#x", "é", "\\", ":", "@", "+", ";", ",", "'", "(", "*", "!", "$", "\t", "漢")
        .Array[0, 10]
        .Select(parts => string.Concat(parts));

    [Fact]
    public void IsPlainPlaceholderUri_AnyRelativeUriCombinedWithThePlaceholder_TextAfterOriginIsPathAndQuery()
    {
        RelativeUris.Sample(relative =>
        {
            if (!Uri.TryCreate(SalesforceAuthenticationHandler.PlaceholderBaseAddress, relative, out var combined))
            {
                return;
            }

            foreach (var uri in new[] { combined.OriginalString, "https://salesforce.invalid/" + relative, "HTTPS://Salesforce.Invalid/" + relative })
            {
                if (SalesforceAuthenticationHandler.IsPlainPlaceholderUri(uri))
                {
                    var parsed = new Uri(uri);
                    Assert.Equal("salesforce.invalid", parsed.Host);
                    Assert.Equal(parsed.PathAndQuery, uri["https://salesforce.invalid".Length..]);
                }
            }
        });
    }

    [Theory]
    [InlineData("https://salesforce.invalid/services/data/v62.0/limits", true)]
    [InlineData("https://salesforce.invalid/services/data/v62.0/query?q=Id&limit=5", true)]
    [InlineData("https://salesforce.invalid/", true)]
    [InlineData("https://salesforce.invalid", false)]
    [InlineData("https://salesforce.invalid:8443/services", false)]
    [InlineData("https://salesforce.invalid.example.com/services", false)]
    [InlineData("http://salesforce.invalid/services", false)]
    [InlineData("https://salesforce.invalid/a/../b", false)]
    [InlineData("https://salesforce.invalid/a//b", false)]
    [InlineData("https://salesforce.invalid/a%20b", false)]
    [InlineData("https://salesforce.invalid/a#b", false)]
    [InlineData("https://acme.my.salesforce.com/services", false)]
    public void IsPlainPlaceholderUri_Examples(string uri, bool expected) =>
        Assert.Equal(expected, SalesforceAuthenticationHandler.IsPlainPlaceholderUri(uri));
}
