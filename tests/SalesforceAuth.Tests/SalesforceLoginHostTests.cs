using SalesforceAuth.Internal;

namespace SalesforceAuth.Tests;

public sealed class SalesforceLoginHostTests
{
    // Computed per use, not once per process: eng/mutation.sh runs every mutant in one test process, and a value built
    // while one mutant was active would otherwise stand in for the real one under every later mutant.
    private static SalesforceLoginHost Production => SalesforceLoginHost.Parse(SalesforceClientOptions.ProductionLoginUrl);
    private static SalesforceLoginHost Site => SalesforceLoginHost.Parse(new Uri("https://acme.my.site.com/customers"));
    private static IReadOnlyList<string> Defaults => SalesforceLoginHost.DefaultTrustedDomains;

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

    [Theory]
    [InlineData("https://login.salesforce.com", true, true)]
    [InlineData("https://test.salesforce.com", false, true)]
    [InlineData("https://acme.my.salesforce.com", true, false)]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com", false, false)]
    [InlineData("https://acme--uat.my.salesforce.com", false, false)]
    [InlineData("https://acme.my.site.com", false, false)]
    [InlineData("https://na9.salesforce.com", false, false)]
    public void Parse_ProductionAndSharedLoginService(string loginUrl, bool production, bool shared)
    {
        var host = SalesforceLoginHost.Parse(new Uri(loginUrl));

        Assert.Equal(production, host.IsProduction);
        Assert.Equal(shared, host.IsSharedLoginService);
    }

    [Theory]
    // A production login is looked up in production whatever the audience ...
    [InlineData("https://login.salesforce.com", "https://test.salesforce.com", true)]
    [InlineData("https://acme.my.salesforce.com", "https://acme.my.salesforce.com", true)]
    // ... a sandbox login never, even with the production audience ...
    [InlineData("https://test.salesforce.com", "https://login.salesforce.com", false)]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com", "https://login.salesforce.com", false)]
    [InlineData("https://acme--uat.my.salesforce.com", "https://login.salesforce.com", false)]
    [InlineData("https://acme--uat.sandbox.my.site.com/partners", "https://login.salesforce.com", false)]
    // ... and any other host when it is sent the production audience (any case, trailing slash or not).
    [InlineData("https://na9.salesforce.com", "https://login.salesforce.com", true)]
    [InlineData("https://na9.salesforce.com", "HTTPS://LOGIN.SALESFORCE.COM/", true)]
    [InlineData("https://na9.salesforce.com", "https://test.salesforce.com", false)]
    [InlineData("https://acme.my.site.com", "https://acme.my.site.com", false)]
    public void ReachesProduction_ByLoginAndAudience(string loginUrl, string audience, bool expected) =>
        Assert.Equal(expected, SalesforceLoginHost.Parse(new Uri(loginUrl)).ReachesProduction(audience));

    [Fact]
    public void GetLoginUrlProblem_NullOrRelative_None()
    {
        Assert.Null(SalesforceLoginHost.GetLoginUrlProblem(null));
        Assert.Null(SalesforceLoginHost.GetLoginUrlProblem(new Uri("/services/oauth2/token", UriKind.Relative)));
    }

    [Fact]
    public void GetLoginUrlProblem_SandboxLightningHost_NamesTheSandboxMyDomain() =>
        Assert.Contains(
            "LoginUrl = \"https://acme--uat.sandbox.my.salesforce.com\"",
            SalesforceLoginHost.GetLoginUrlProblem(new Uri("https://acme--uat.sandbox.lightning.force.com")),
            StringComparison.Ordinal);

    [Fact]
    public void FromEndpoint_RelativeUrl_ArgumentExceptionNamingTheParameter() =>
        Assert.Contains("absolute", Assert.Throws<ArgumentException>("endpoint", () => SalesforceLoginHost.FromEndpoint(new Uri("/services/oauth2/token", UriKind.Relative))).Message, StringComparison.Ordinal);

    [Fact]
    public void FromEndpoint_UrlWithoutAnOAuthPath_ReadAsALoginUrl()
    {
        var host = SalesforceLoginHost.FromEndpoint(new Uri("https://acme.my.site.com/customers"));

        Assert.Equal(new Uri("https://acme.my.site.com/customers"), host.LoginUrl);
        Assert.Equal(new Uri("https://acme.my.site.com/customers/services/oauth2/token"), host.TokenEndpoint);
    }

    [Fact]
    public void IsLoopback_RelativeOrForeign_False()
    {
        Assert.False(SalesforceLoginHost.IsLoopback(new Uri("/services/data", UriKind.Relative)));
        Assert.False(SalesforceLoginHost.IsLoopback(new Uri("https://10.0.0.1")));
        Assert.False(SalesforceLoginHost.IsLoopback(new Uri("https://localhost.evil.example")));
        Assert.True(SalesforceLoginHost.IsLoopback(new Uri("https://127.1.2.3")));
        Assert.True(SalesforceLoginHost.IsLoopback(new Uri("https://[::1]:8443")));
    }

    [Fact]
    public void SiteUrlTrust_SiteDomainsTrustedFromAnyLogin_ButNotARelativeOrForeignUrl()
    {
        var options = new SalesforceClientOptions();

        Assert.Null(SalesforceLoginHost.GetSiteUrlTrustProblem(new Uri("https://acme.my.site.com/customers"), options));
        Assert.Contains("absolute", SalesforceLoginHost.GetSiteUrlTrustProblem(new Uri("/customers", UriKind.Relative), options), StringComparison.Ordinal);
        Assert.Contains("absolute", SalesforceLoginHost.GetSiteUrlTrustProblem(null, options), StringComparison.Ordinal);
        Assert.Contains("not under a trusted domain", SalesforceLoginHost.GetSiteUrlTrustProblem(new Uri("https://evil.example/customers"), options), StringComparison.Ordinal);
    }

    [Fact]
    public void NullArguments_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.FromEndpoint(null!));
        Assert.Throws<ArgumentNullException>(() => Production.IsTrusted(new Uri("https://acme.my.salesforce.com"), null!, false, out _));
        Assert.Throws<ArgumentNullException>(() => Production.ReachesProduction(null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.GetTrustProblem(new Uri("https://acme.my.salesforce.com"), null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.GetSiteUrlTrustProblem(new Uri("https://acme.my.site.com"), null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.IsLoopback(null!));
        Assert.Throws<ArgumentNullException>(() => SalesforceLoginHost.MatchesSuffix(null!, "acme.com"));
    }

    [Fact]
    public void ToString_NamesTheUrlAndKind() =>
        Assert.Equal("https://acme--uat.my.salesforce.com/ (LegacySandboxMyDomain)", SalesforceLoginHost.Parse(new Uri("https://acme--uat.my.salesforce.com")).ToString());

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
    [InlineData("  ", "acme.com", false)]
    [InlineData("*", "acme.com.", false)]
    [InlineData(".", "evil.example.", false)]
    [InlineData("acme.com", "ACME.COM", true)]
    [InlineData("acme.com", "SUPPORT.ACME.COM", true)]
    [InlineData("support.acme.com", "acme.com", false)]
    public void MatchesSuffix_DotBoundary(string domain, string host, bool expected) =>
        Assert.Equal(expected, SalesforceLoginHost.MatchesSuffix(host, domain));

    [Theory]
    // "' would": the entry's own refusal, not the single-label one ("... and would trust every host under it").
    [InlineData("*", "' would trust every host")]
    [InlineData(".", "' would trust every host")]
    [InlineData("*.", "' would trust every host")]
    [InlineData(" *. ", "' would trust every host")]
    [InlineData("com", "top-level domain")]
    [InlineData("*.com", "top-level domain")]
    [InlineData("localhost", "single label")]
    [InlineData("https://acme.com", "scheme")]
    [InlineData("acme.com:443", "port")]
    [InlineData("a*b.com", "wildcard")]
    [InlineData("acme.com/customers", "scheme, port, path or user information")]
    [InlineData("jane@acme.com", "scheme, port, path or user information")]
    [InlineData("ac me.com", "not a domain name")]
    [InlineData("acme..com", "not a domain name")]
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
