namespace SalesforceAuth.Tests;

public sealed class SalesforceAudienceTests
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
        var audience = SalesforceAudience.Resolve(new SalesforceClientOptions { LoginUrl = new Uri(loginUrl) });

        Assert.Equal(expected, audience.Value);
        Assert.Contains(ruleMentions, audience.Rule, StringComparison.Ordinal);
    }

    [Theory]
    // A login host keeps its audience whatever path the URL carries; only a non-login host with a path is a site.
    [InlineData("https://login.salesforce.com/services", "https://login.salesforce.com")]
    [InlineData("https://test.salesforce.com/x/", "https://test.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/customers", "https://login.salesforce.com")]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com/customers", "https://test.salesforce.com")]
    public void Resolve_LoginHostWithAPath_IgnoresThePath(string loginUrl, string expected) =>
        Assert.Equal(expected, SalesforceAudience.Resolve(new SalesforceClientOptions { LoginUrl = new Uri(loginUrl) }).Value);

    [Theory]
    // The Lightning UI host of an org is not an Experience Cloud site, although it is under force.com.
    [InlineData("https://acme.lightning.force.com")]
    [InlineData("https://acme--uat.sandbox.lightning.force.com")]
    public void Resolve_LightningHost_IsNotASite(string loginUrl)
    {
        var host = SalesforceLoginHost.Parse(new Uri(loginUrl));

        Assert.Equal(SalesforceLoginHostKind.Other, host.Kind);
        Assert.Equal(SalesforceAudience.Production, host.DefaultAudience.Value);
    }

    [Fact]
    public void Resolve_ExplicitAudienceWithTrailingSlash_WinsWithoutSlash()
    {
        var options = new SalesforceClientOptions { LoginUrl = new Uri("https://test.salesforce.com"), Audience = "https://acme.my.salesforce.com/", UseMyDomainAsAudience = true };

        var audience = SalesforceAudience.Resolve(options);

        Assert.Equal("https://acme.my.salesforce.com", audience.Value);
        Assert.Contains("explicit Audience", audience.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UseMyDomainAsAudience_UsesTheLoginOrigin()
    {
        var options = new SalesforceClientOptions { LoginUrl = new Uri("https://acme--uat.sandbox.my.salesforce.com/"), UseMyDomainAsAudience = true };

        var audience = SalesforceAudience.Resolve(options);

        Assert.Equal("https://acme--uat.sandbox.my.salesforce.com", audience.Value);
        Assert.Contains("UseMyDomainAsAudience", audience.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\"https://login.salesforce.com\"]", "not a list")]
    [InlineData("https://login.salesforce.com, https://test.salesforce.com", "not a list")]
    [InlineData("https://login.salesforce.com ", "whitespace")]
    [InlineData("https://login.salesforce.com/a b", "whitespace")]
    [InlineData("https://login.salesforce.com/a\tb", "whitespace")]
    [InlineData("login.salesforce.com", "absolute URL")]
    [InlineData("ftp://login.salesforce.com", "absolute URL")]
    [InlineData("urn:salesforce:login", "absolute URL")]
    [InlineData("file:///login.salesforce.com", "absolute URL")]
    public void Resolve_MalformedExplicitAudience_ThrowsNamingTheSetting(string audience, string mentions)
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceAudience.Resolve(new SalesforceClientOptions { Audience = audience }));

        Assert.Equal("Audience", ex.Setting);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://login.salesforce.com", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Resolve_BlankExplicitAudience_IsUnset(string audience)
    {
        var resolved = SalesforceAudience.Resolve(new SalesforceClientOptions { LoginUrl = new Uri("https://test.salesforce.com"), Audience = audience });

        Assert.Equal(SalesforceAudience.Sandbox, resolved.Value);
        Assert.Equal(SalesforceAudience.Sandbox, resolved.ToString());
    }

    [Fact]
    public void Resolve_RelativeLoginUrl_ConfigurationErrorNamingLoginUrl()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceAudience.Resolve(new SalesforceClientOptions { LoginUrl = new Uri("/login", UriKind.Relative) }));

        Assert.Equal("LoginUrl", ex.Setting);
        Assert.Contains("absolute https URL such as \"https://login.salesforce.com\"", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => SalesforceAudience.Resolve(null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceAudience.GetProblem(null!));
    }

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://acme.my.site.com/customers")]
    public void GetProblem_OneHttpUrl_None(string audience) => Assert.Null(SalesforceAudience.GetProblem(audience));
}
