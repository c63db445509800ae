using SalesforceAuth.Internal;

namespace SalesforceAuth.Tests.Internal;

public sealed class TrustedHostsTests
{
    private static readonly SalesforceClientOptions Defaults = new();

    [Theory]
    [InlineData("https://acme.my.salesforce.com")]
    [InlineData("https://na1.salesforce.com/")]
    [InlineData("https://salesforce.com")]
    [InlineData("https://acme.my.site.com/customers")]
    [InlineData("https://ACME.MY.SALESFORCE.COM.")]
    [InlineData("https://acme.lightning.force.com")]
    public void IsTrusted_SalesforceHosts_True(string url) => Assert.True(TrustedHosts.IsTrusted(new Uri(url), Defaults));

    [Theory]
    [InlineData("https://evil.example@na1.salesforce.com", "user information")]
    [InlineData("https://salesforce.com.evil.example", "not under a trusted domain")]
    [InlineData("https://evilsalesforce.com", "not under a trusted domain")]
    [InlineData("http://acme.my.salesforce.com", "https")]
    [InlineData("https://10.0.0.1", "IP address")]
    [InlineData("https://[2001:db8::1]", "IP address")]
    [InlineData("http://127.0.0.1:8080", "AllowInsecureLoopback")]
    [InlineData("ftp://acme.my.salesforce.com", "https")]
    public void GetProblem_UntrustedUrls_SayWhy(string url, string mentions)
    {
        var problem = TrustedHosts.GetProblem(new Uri(url), Defaults.TrustedDomains, allowInsecureLoopback: false);

        Assert.NotNull(problem);
        Assert.Contains(mentions, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:5000/x", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://10.0.0.1:5000", false)]
    [InlineData("http://acme.my.salesforce.com", false)]
    public void IsTrusted_LoopbackOptIn_OnlyLoopback(string url, bool expected)
    {
        var options = new SalesforceClientOptions { AllowInsecureLoopback = true };

        Assert.Equal(expected, TrustedHosts.IsTrusted(new Uri(url), options));
    }

    [Fact]
    public void IsTrusted_CustomDomainAdded_Trusted()
    {
        var options = new SalesforceClientOptions();
        Assert.False(TrustedHosts.IsTrusted(new Uri("https://support.acme.com"), options));

        options.TrustedDomains.Add(".acme.com");

        Assert.True(TrustedHosts.IsTrusted(new Uri("https://support.acme.com"), options));
    }

    [Fact]
    public void GetProblem_NullOrRelative_NotTrusted()
    {
        Assert.NotNull(TrustedHosts.GetProblem(null, Defaults.TrustedDomains, false));
        Assert.NotNull(TrustedHosts.GetProblem(new Uri("/services/data", UriKind.Relative), Defaults.TrustedDomains, false));
    }

    [Theory]
    [InlineData("acme.com", "support.acme.com", true)]
    [InlineData("*.acme.com", "support.acme.com", true)]
    [InlineData(".acme.com", "acme.com", true)]
    [InlineData("acme.com", "notacme.com", false)]
    [InlineData("acme.com", "acme.com.evil.example", false)]
    [InlineData("", "acme.com", false)]
    public void MatchesSuffix_DotBoundary(string domain, string host, bool expected) =>
        Assert.Equal(expected, TrustedHosts.MatchesSuffix(host, domain));
}
