namespace SalesforceAuth.Tests;

public sealed class SalesforceTokenTests
{
    [Fact]
    public void ToString_NeverContainsTheAccessToken()
    {
        var token = new SalesforceToken("00D5g00000XXXXX!AQ0secretpart", new Uri("https://acme.my.salesforce.com"))
        {
            IdentityUrl = new Uri("https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA"),
        };

        Assert.DoesNotContain("AQ0secretpart", token.ToString(), StringComparison.Ordinal);
        Assert.Equal("00D5g00000XXXXXEAA", token.OrganizationId);
        Assert.Equal("0055g00000YYYYYAAA", token.UserId);
    }
}
