using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tests.Assertions;

public sealed class AudienceResolverTests
{
    [Theory]
    [InlineData("https://login.salesforce.com", "https://login.salesforce.com", "login.salesforce.com")]
    [InlineData("https://test.salesforce.com", "https://test.salesforce.com", "test.salesforce.com")]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com", "sandbox My Domain")]
    [InlineData("https://acme--uat.my.salesforce.com", "https://test.salesforce.com", "sandbox My Domain")]
    [InlineData("https://acme.my.salesforce.com", "https://login.salesforce.com", "default")]
    [InlineData("https://acme.my.site.com/customers", "https://acme.my.site.com/customers", "Experience Cloud site")]
    [InlineData("https://acme.my.site.com", "https://acme.my.site.com", "Experience Cloud site")]
    [InlineData("https://acme.force.com/partners/", "https://acme.force.com/partners", "Experience Cloud site")]
    [InlineData("https://support.acme.com/help", "https://support.acme.com/help", "Experience Cloud site")]
    public void Resolve_FromLoginUrl_ChoosesDocumentedAudience(string loginUrl, string expected, string ruleMentions)
    {
        var (audience, rule) = AudienceResolver.Resolve(new SalesforceClientOptions { LoginUrl = new Uri(loginUrl) });

        Assert.Equal(expected, audience);
        Assert.Contains(ruleMentions, rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ExplicitAudienceWithTrailingSlash_WinsWithoutSlash()
    {
        var options = new SalesforceClientOptions { LoginUrl = new Uri("https://test.salesforce.com"), Audience = "https://acme.my.salesforce.com/", UseMyDomainAsAudience = true };

        var (audience, rule) = AudienceResolver.Resolve(options);

        Assert.Equal("https://acme.my.salesforce.com", audience);
        Assert.Contains("explicit Audience", rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UseMyDomainAsAudience_UsesTheLoginOrigin()
    {
        var options = new SalesforceClientOptions { LoginUrl = new Uri("https://acme--uat.sandbox.my.salesforce.com/"), UseMyDomainAsAudience = true };

        var (audience, rule) = AudienceResolver.Resolve(options);

        Assert.Equal("https://acme--uat.sandbox.my.salesforce.com", audience);
        Assert.Contains("UseMyDomainAsAudience", rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"https://login.salesforce.com\"]", "not a list")]
    [InlineData("https://login.salesforce.com, https://test.salesforce.com", "not a list")]
    [InlineData("https://login.salesforce.com ", "whitespace")]
    [InlineData("login.salesforce.com", "absolute URL")]
    public void Resolve_MalformedExplicitAudience_ThrowsNamingTheSetting(string audience, string mentions)
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => AudienceResolver.Resolve(new SalesforceClientOptions { Audience = audience }));

        Assert.Equal("Audience", ex.Setting);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://login.salesforce.com", ex.Message, StringComparison.Ordinal);
    }
}
