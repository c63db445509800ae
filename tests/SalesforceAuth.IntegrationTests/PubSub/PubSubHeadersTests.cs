using SalesforceAuth.Grpc.Internal;

namespace SalesforceAuth.IntegrationTests.PubSub;

/// <summary>The tenantid comes from the token's identity URL, or the call fails with a clear typed error.</summary>
public sealed class PubSubHeadersTests
{
    [Theory]
    [InlineData("https://login.salesforce.com/id/00D5g000004AbcdEAC/0055g00000AbcdeAAB", "00D5g000004AbcdEAC")]
    [InlineData("https://test.salesforce.com/id/00D5g000004Abcd/0055g00000Abcde", "00D5g000004Abcd")]
    [InlineData("https://login.salesforce.com/id/005xx/00D5g000004AbcdEAC", null)]
    [InlineData("https://login.salesforce.com/services/oauth2/userinfo", null)]
    public void OrgIdFromIdentityUrl_TakesTheOrgSegmentOnly(string identityUrl, string? expected) =>
        Assert.Equal(expected, PubSubHeaders.OrgIdFromIdentityUrl(new Uri(identityUrl)));

    [Fact]
    public void Create_TokenWithoutIdentityUrl_ThrowsATypedErrorNamingTheIdField()
    {
        var token = new SalesforceToken("00D5g000004Abcd!AQ.secret", new Uri("https://acme.my.salesforce.com"));

        var ex = Assert.Throws<SalesforceAuthenticationException>(() => PubSubHeaders.Create(token, "crm"));

        Assert.Contains("identity URL (id)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'crm'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(SalesforceReason.UnexpectedResponse, ex.Reason);
    }

    [Fact]
    public void Create_Token_InstanceUrlHasNoTrailingSlash()
    {
        var token = new SalesforceToken("t", new Uri("https://acme.my.salesforce.com/")) { IdentityUrl = new Uri("https://login.salesforce.com/id/00D5g000004AbcdEAC/0055g00000AbcdeAAB") };

        var headers = PubSubHeaders.Create(token, "crm");

        Assert.Equal("https://acme.my.salesforce.com", headers.InstanceUrl.Value);
        Assert.Equal("00D5g000004AbcdEAC", headers.TenantId.Value);
    }
}
