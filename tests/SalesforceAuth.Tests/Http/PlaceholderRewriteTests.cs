using CsCheck;
using SalesforceAuth.Http;

namespace SalesforceAuth.Tests.Http;

/// <summary>
/// The handler decides the common request URIs from their text: a plain placeholder URI is rewritten without parsing it,
/// and a URI whose text starts with the instance is sent as is. These tests hold both fast paths to the general checks
/// (<c>instance base + PathAndQuery</c>; same scheme, host and port) for anything a caller can write.
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

    [Fact]
    public void StartsWithBase_AnyUriStartingWithTheInstanceBase_HasTheInstancesSchemeHostAndPort()
    {
        var instances = Gen.OneOf<string>(
            "https://acme.my.salesforce.com", "https://ACME.my.salesforce.com", "https://acme.my.salesforce.com:8443",
            "https://acme.my.salesforce.com/site", "http://127.0.0.1:5000", "https://xn--bcher-kva.my.salesforce.com");
        var prefixes = Gen.OneOf<string>(
            "https://acme.my.salesforce.com", "HTTPS://Acme.My.Salesforce.Com", "https://acme.my.salesforce.com:443",
            "https://acme.my.salesforce.com:8443", "https://acme.my.salesforce.com.evil.example", "https://acme.my.salesforce.com@evil.example",
            "http://acme.my.salesforce.com", "https://acme.my.salesforce.com/site", "http://127.0.0.1:5000", "http://127.0.0.1:50001",
            " https://acme.my.salesforce.com", "https://bücher.my.salesforce.com", "https://xn--bcher-kva.my.salesforce.com");
        Gen.Select(instances, prefixes, RelativeUris).Sample((instance, prefix, rest) =>
        {
            var instanceUrl = new Uri(instance);
            var instanceBase = instanceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
            var text = prefix + "/" + rest;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && SalesforceAuthenticationHandler.StartsWithBase(uri.OriginalString, instanceBase))
            {
                Assert.Equal(instanceUrl.Scheme, uri.Scheme);
                Assert.Equal(instanceUrl.Host, uri.Host, ignoreCase: true);
                Assert.Equal(instanceUrl.Port, uri.Port);
            }
        });
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com/services/data/v62.0/limits", true)]
    [InlineData("https://acme.my.salesforce.com/", true)]
    [InlineData("https://acme.my.salesforce.com", false)]
    [InlineData("https://acme.my.salesforce.com:443/services", false)]
    [InlineData("https://acme.my.salesforce.com.evil.example/services", false)]
    [InlineData("https://acme.my.salesforce.com@evil.example/services", false)]
    [InlineData("http://acme.my.salesforce.com/services", false)]
    public void StartsWithBase_Examples(string uri, bool expected) =>
        Assert.Equal(expected, SalesforceAuthenticationHandler.StartsWithBase(uri, "https://acme.my.salesforce.com"));

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
