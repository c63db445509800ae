using SalesforceAuth.Internal;

namespace SalesforceAuth.Tests;

public sealed class SalesforceLoginHostTests
{
    private static readonly SalesforceLoginHost Production = SalesforceLoginHost.Parse(SalesforceClientOptions.ProductionLoginUrl);
    private static readonly SalesforceLoginHost Site = SalesforceLoginHost.Parse(new Uri("https://acme.my.site.com/customers"));
    private static readonly IReadOnlyList<string> Defaults = SalesforceLoginHost.DefaultTrustedDomains;

    [Theory]
    [InlineData("https://login.salesforce.com", SalesforceLoginHostKind.Production, false)]
    [InlineData("https://LOGIN.salesforce.com.", SalesforceLoginHostKind.Production, false)]
    [InlineData("https://test.salesforce.com/", SalesforceLoginHostKind.Sandbox, true)]
    [InlineData("https://acme.my.salesforce.com", SalesforceLoginHostKind.MyDomain, false)]
    [InlineData("https://acme-dev-ed.develop.my.salesforce.com", SalesforceLoginHostKind.MyDomain, false)]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com", SalesforceLoginHostKind.SandboxMyDomain, true)]
    [InlineData("https://acme--uat.my.salesforce.com", SalesforceLoginHostKind.LegacySandboxMyDomain, true)]
    [InlineData("https://acme.my.site.com", SalesforceLoginHostKind.ExperienceCloudSite, false)]
    [InlineData("https://acme--uat.sandbox.my.site.com/partners", SalesforceLoginHostKind.ExperienceCloudSite, true)]
    [InlineData("https://acme.force.com", SalesforceLoginHostKind.ExperienceCloudSite, false)]
    [InlineData("https://support.acme.com/customers", SalesforceLoginHostKind.ExperienceCloudSite, false)]
    [InlineData("https://support.acme.com", SalesforceLoginHostKind.Other, false)]
    [InlineData("https://acme.lightning.force.com", SalesforceLoginHostKind.Other, false)]
    [InlineData("https://na9.salesforce.com", SalesforceLoginHostKind.Other, false)]
    [InlineData("http://127.0.0.1:5000", SalesforceLoginHostKind.Other, false)]
    public void Parse_HostShapes_Kind(string loginUrl, SalesforceLoginHostKind kind, bool sandbox)
    {
        var host = SalesforceLoginHost.Parse(new Uri(loginUrl));

        Assert.Equal(kind, host.Kind);
        Assert.Equal(sandbox, host.IsSandbox);
    }

    [Theory]
    [InlineData("https://acme.my.site.com/customers/services/oauth2/token", "https://acme.my.site.com/customers", SalesforceLoginHostKind.ExperienceCloudSite)]
    [InlineData("https://test.salesforce.com/services/oauth2/token", "https://test.salesforce.com/", SalesforceLoginHostKind.Sandbox)]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/introspect", "https://acme.my.salesforce.com/", SalesforceLoginHostKind.MyDomain)]
    public void FromEndpoint_TokenEndpoint_IsItsLoginHost(string endpoint, string loginUrl, SalesforceLoginHostKind kind)
    {
        var host = SalesforceLoginHost.FromEndpoint(new Uri(endpoint));

        Assert.Equal(new Uri(loginUrl), host.LoginUrl);
        Assert.Equal(kind, host.Kind);
    }

    [Theory]
    [InlineData("https://login.salesforce.com", "https://login.salesforce.com/services/oauth2/token")]
    [InlineData("https://acme.my.site.com/customers/", "https://acme.my.site.com/customers/services/oauth2/token")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/services/oauth2/token")]
    public void TokenEndpoint_KeepsTheSitePrefix(string loginUrl, string endpoint) =>
        Assert.Equal(new Uri(endpoint), SalesforceLoginHost.Parse(new Uri(loginUrl)).TokenEndpoint);

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/")]
    [InlineData("https://acme.my.site.com/customers")]
    [InlineData("https://acme.force.com")]
    [InlineData("http://127.0.0.1:5000")]
    public void GetLoginUrlProblem_LoginHosts_None(string loginUrl) =>
        Assert.Null(SalesforceLoginHost.GetLoginUrlProblem(new Uri(loginUrl)));

    [Theory]
    [InlineData("https://acme.lightning.force.com", "https://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/token", "https://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/authorize", "https://acme.my.salesforce.com")]
    public void GetLoginUrlProblem_ObviousMistakes_NameTheRightUrl(string loginUrl, string rightUrl) =>
        Assert.Contains($"LoginUrl = \"{rightUrl}\"", SalesforceLoginHost.GetLoginUrlProblem(new Uri(loginUrl)), StringComparison.Ordinal);

    [Fact]
    public void Parse_RelativeUrl_Throws() =>
        Assert.Throws<ArgumentException>(() => SalesforceLoginHost.Parse(new Uri("/x", UriKind.Relative)));

    [Theory]
    [InlineData("https://acme.my.salesforce.com")]
    [InlineData("https://na1.salesforce.com/")]
    [InlineData("https://salesforce.com")]
    [InlineData("https://ACME.MY.SALESFORCE.COM.")]
    [InlineData("https://api.salesforce.com")]
    public void IsTrusted_SalesforceHosts_True(string url) => Assert.True(Production.IsTrusted(new Uri(url), Defaults, false, out _));

    [Theory]
    [InlineData("https://evil.example@na1.salesforce.com", "user information")]
    [InlineData("https://salesforce.com.evil.example", "not under a trusted domain")]
    [InlineData("https://evilsalesforce.com", "not under a trusted domain")]
    [InlineData("http://acme.my.salesforce.com", "https")]
    [InlineData("https://10.0.0.1", "IP address")]
    [InlineData("https://[2001:db8::1]", "IP address")]
    [InlineData("http://127.0.0.1:8080", "AllowInsecureLoopback")]
    [InlineData("ftp://acme.my.salesforce.com", "https")]
    public void IsTrusted_UntrustedUrls_SayWhy(string url, string mentions)
    {
        Assert.False(Production.IsTrusted(new Uri(url), Defaults, allowInsecureLoopback: false, out var reason));
        Assert.Contains(mentions, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("https://127.0.0.1:8080", true)]
    [InlineData("http://localhost:5000/x", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://10.0.0.1:5000", false)]
    [InlineData("http://acme.my.salesforce.com", false)]
    // The opt-in is for http and https only: another scheme to a loopback host stays refused.
    [InlineData("ftp://127.0.0.1:21", false)]
    [InlineData("ws://localhost:5000", false)]
    [InlineData("file://localhost/etc/hosts", false)]
    public void IsTrusted_LoopbackOptIn_OnlyHttpToLoopback(string url, bool expected) =>
        Assert.Equal(expected, Production.IsTrusted(new Uri(url), Defaults, allowInsecureLoopback: true, out _));

    [Theory]
    [InlineData("https://127.0.0.1:5001/", true)]
    [InlineData("https://localhost:5001/", true)]
    [InlineData("https://[::1]:5001/", true)]
    // TLS is what makes an emulator's other hosts trustworthy without the opt-in: http still needs it.
    [InlineData("http://127.0.0.1:5001/", false)]
    [InlineData("https://10.0.0.1/", false)]
    [InlineData("https://evil.example/", false)]
    public void IsTrusted_HttpsLoopbackLogin_TrustsHttpsLoopbackHostsWithoutTheOptIn(string url, bool expected)
    {
        var emulator = SalesforceLoginHost.Parse(new Uri("https://127.0.0.1:5000"));
        Assert.Equal(expected, emulator.IsTrusted(new Uri(url), Defaults, allowInsecureLoopback: false, out _));
    }

    [Theory]
    // Only an https loopback login is an emulator: a real login, or http on loopback without the opt-in, is not.
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com")]
    [InlineData("http://127.0.0.1:5000")]
    public void IsTrusted_HttpsLoopbackUrlFromAnyOtherLogin_Refused(string login) =>
        Assert.False(SalesforceLoginHost.Parse(new Uri(login)).IsTrusted(new Uri("https://127.0.0.1:5001/"), Defaults, allowInsecureLoopback: false, out _));

    [Theory]
    // Anyone can publish a page under the site domains: a production login must not send a token there ...
    [InlineData("https://evil.my.site.com")]
    [InlineData("https://evil.force.com")]
    [InlineData("https://evil.secure.force.com")]
    [InlineData("https://evil.my.salesforce-sites.com")]
    [InlineData("https://site.com")]
    public void IsTrusted_SiteDomainFromANonSiteLogin_Refused(string url)
    {
        Assert.False(Production.IsTrusted(new Uri(url), Defaults, false, out var reason));
        Assert.Contains("Experience Cloud site", reason, StringComparison.Ordinal);
        Assert.False(SalesforceLoginHost.Parse(new Uri("https://acme.my.salesforce.com")).IsTrusted(new Uri(url), Defaults, false, out _));
        Assert.False(SalesforceLoginHost.Parse(new Uri("https://acme--uat.sandbox.my.salesforce.com")).IsTrusted(new Uri(url), Defaults, false, out _));
    }

    [Theory]
    // ... while a site login may be answered from them.
    [InlineData("https://acme.my.site.com")]
    [InlineData("https://acme.force.com")]
    [InlineData("https://acme.my.salesforce-sites.com")]
    public void IsTrusted_SiteDomainFromASiteLogin_Trusted(string url) =>
        Assert.True(Site.IsTrusted(new Uri(url), Defaults, false, out _));

    [Fact]
    public void IsTrusted_SiteHostListedByName_TrustedFromAnyLogin()
    {
        string[] domains = [.. Defaults, "acme.my.site.com"];

        Assert.True(Production.IsTrusted(new Uri("https://acme.my.site.com"), domains, false, out _));
        Assert.False(Production.IsTrusted(new Uri("https://evil.my.site.com"), domains, false, out _));
    }

    [Fact]
    public void IsTrusted_CustomDomainAdded_Trusted()
    {
        var options = new SalesforceClientOptions();
        Assert.NotNull(SalesforceLoginHost.GetTrustProblem(new Uri("https://support.acme.com"), options));

        options.TrustedDomains.Add(".acme.com");

        Assert.Null(SalesforceLoginHost.GetTrustProblem(new Uri("https://support.acme.com"), options));
    }

    [Fact]
    public void IsTrusted_NullOrRelative_NotTrusted()
    {
        Assert.False(Production.IsTrusted(null, Defaults, false, out _));
        Assert.False(Production.IsTrusted(new Uri("/services/data", UriKind.Relative), Defaults, false, out _));
    }

    [Theory]
    [InlineData("*")]
    [InlineData(".")]
    [InlineData("*.")]
    [InlineData("**")]
    [InlineData("..")]
    public void IsTrusted_EntryWithoutADomain_TrustsNothing(string entry) =>
        Assert.False(Production.IsTrusted(new Uri("https://evil.example"), [entry], false, out _));

    [Theory]
    [InlineData("acme.com", "support.acme.com", true)]
    [InlineData("*.acme.com", "support.acme.com", true)]
    [InlineData(".acme.com", "acme.com", true)]
    [InlineData("ACME.com.", "support.acme.com", true)]
    [InlineData("acme.com", "notacme.com", false)]
    [InlineData("acme.com", "acme.com.evil.example", false)]
    [InlineData("", "acme.com", false)]
    [InlineData("*", "acme.com", false)]
    public void MatchesSuffix_DotBoundary(string domain, string host, bool expected) =>
        Assert.Equal(expected, SalesforceLoginHost.MatchesSuffix(host, domain));

    [Theory]
    [InlineData("*", "every host")]
    [InlineData(".", "every host")]
    [InlineData("*.", "every host")]
    [InlineData(" *. ", "every host")]
    [InlineData("com", "top-level domain")]
    [InlineData("*.com", "top-level domain")]
    [InlineData("localhost", "single label")]
    [InlineData("https://acme.com", "scheme")]
    [InlineData("acme.com:443", "port")]
    [InlineData("a*b.com", "wildcard")]
    [InlineData("", "empty")]
    public void TrustedDomains_EntryTrustingTooMuch_RefusedAtStartupNamingTheSetting(string entry, string mentions)
    {
        var options = new SalesforceClientOptions { ClientId = "3MVG9x", Username = "jane@acme.com", PrivateKeyPem = "k" };
        options.TrustedDomains.Add(entry);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => SalesforceClientOptionsValidator.ThrowIfInvalid(options));

        Assert.Equal("TrustedDomains", ex.Setting);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustedDomains_Defaults_Valid() =>
        Assert.All(Defaults, d => Assert.Null(SalesforceLoginHost.GetTrustedDomainProblem(d)));
}
