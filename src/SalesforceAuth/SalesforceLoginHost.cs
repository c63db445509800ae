using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace SalesforceAuth;

/// <summary>
/// The one home of Salesforce's host rules: what a login URL is (<see cref="Kind"/>), its token endpoint, the
/// audience it expects, and which hosts a token response or redirect from it may send requests to. The token client,
/// the assertion builders, the error mapper and <c>sfauth doctor</c> all ask this type, so they cannot disagree.
/// </summary>
/// <remarks>
/// Hosts: Salesforce Help, "OAuth Endpoints and Authorization Servers"
/// (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5); My Domain formats and the
/// Winter '24 enforcement of enhanced domains: "Review Recommended Practices for a My Domain Change"
/// (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5); the partitioned
/// My Domain forms: Metadata API Developer Guide, "MyDomainSettings"
/// (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_mydomainsettings.htm).
/// </remarks>
public sealed class SalesforceLoginHost
{
    private const string TokenPath = "/services/oauth2/token";
    private const string OAuthPathPrefix = "/services/oauth2/";
    private const string ServicesPath = "/services/";
    private const string LightningSuffix = ".lightning.force.com";

    // Domains where any org (or any site guest page) can publish content: a token response or redirect pointing there
    // is only plausible when the login itself is a site (issue: default TrustedDomains trusted anyone's page).
    private static readonly string[] SiteDomains = ["site.com", "force.com", "salesforce-sites.com"];

    private readonly string _sitePath;

    private SalesforceLoginHost(Uri loginUrl, string host, string sitePath, SalesforceLoginHostKind kind)
    {
        LoginUrl = loginUrl;
        Host = host;
        _sitePath = sitePath;
        Kind = kind;
        TokenEndpoint = new Uri(loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + TokenPath, UriKind.Absolute);
    }

    /// <summary>The default Salesforce domain suffixes of <see cref="SalesforceClientOptions.TrustedDomains"/>.</summary>
    public static IReadOnlyList<string> DefaultTrustedDomains { get; } =
    [
        "salesforce.com",
        "force.com",
        "site.com",
        "cloudforce.com",
        "database.com",
        "salesforce-sites.com",
        "visualforce.com",
        "salesforce.mil",
        "sfcrmproducts.cn",
    ];

    /// <summary>The login URL this host was parsed from.</summary>
    public Uri LoginUrl { get; }

    /// <summary>The host name in lower case, in its ASCII (punycode) form, without a trailing dot.</summary>
    public string Host { get; }

    /// <summary>What the login URL points at.</summary>
    public SalesforceLoginHostKind Kind { get; }

    /// <summary>
    /// Whether the login reaches a sandbox: <c>test.salesforce.com</c>, a sandbox My Domain (enhanced or legacy), or a
    /// sandbox Experience Cloud site (<c>*.sandbox.my.site.com</c>). Sandbox users carry a sandbox username suffix.
    /// </summary>
    public bool IsSandbox => Kind is SalesforceLoginHostKind.Sandbox or SalesforceLoginHostKind.SandboxMyDomain or SalesforceLoginHostKind.LegacySandboxMyDomain
        || (Kind == SalesforceLoginHostKind.ExperienceCloudSite && Host.EndsWith(".sandbox.my.site.com", StringComparison.Ordinal));

    /// <summary>Whether the login reaches a production (or Developer Edition) org: <c>login.salesforce.com</c> or a production My Domain.</summary>
    public bool IsProduction => Kind is SalesforceLoginHostKind.Production or SalesforceLoginHostKind.MyDomain;

    /// <summary>
    /// Whether this is a shared login service (<c>login.salesforce.com</c>, <c>test.salesforce.com</c>) rather than one
    /// org's host. The client credentials flow is refused there ('request not supported on this domain').
    /// </summary>
    public bool IsSharedLoginService => Kind is SalesforceLoginHostKind.Production or SalesforceLoginHostKind.Sandbox;

    /// <summary>
    /// Whether a token request from this login, with <paramref name="audience"/>, is looked up in production, where
    /// sandbox users (usernames with a sandbox suffix, see <see cref="SalesforceUsername.GetSandboxSuffix"/>) do not exist:
    /// the login is <c>login.salesforce.com</c> or a production My Domain, or any other host that is not a sandbox and
    /// is sent the production audience.
    /// </summary>
    /// <param name="audience">The audience sent (<see cref="SalesforceAudience.Value"/>).</param>
    /// <returns><see langword="true"/> when the request reaches production.</returns>
    public bool ReachesProduction(string audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        return IsProduction
            || (!IsSandbox && string.Equals(audience.TrimEnd('/'), SalesforceAudience.Production, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The token endpoint: <c>{LoginUrl}/services/oauth2/token</c>, keeping a site's path prefix.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The audience sent when neither <see cref="SalesforceClientOptions.Audience"/> nor <see cref="SalesforceClientOptions.UseMyDomainAsAudience"/> is set.</summary>
    public SalesforceAudience DefaultAudience => ResolveAudience(null, useMyDomainAsAudience: false);

    /// <summary>Reads a login URL.</summary>
    /// <param name="loginUrl">An absolute login URL such as <c>https://acme.my.salesforce.com</c>.</param>
    /// <returns>The login host.</returns>
    /// <exception cref="ArgumentException"><paramref name="loginUrl"/> is not absolute.</exception>
    public static SalesforceLoginHost Parse(Uri loginUrl)
    {
        ArgumentNullException.ThrowIfNull(loginUrl);
        if (!loginUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The login URL must be absolute, for example https://login.salesforce.com.", nameof(loginUrl));
        }

        var host = NormalizeHost(loginUrl);
        var path = loginUrl.AbsolutePath.TrimEnd('/');
        return new SalesforceLoginHost(loginUrl, host, path, Classify(host, path));
    }

    /// <summary>
    /// Reads the login host of an OAuth endpoint URL (<c>{LoginUrl}/services/oauth2/token</c>, <c>…/introspect</c>),
    /// for example the endpoint a failed exchange was sent to.
    /// </summary>
    /// <param name="endpoint">An absolute endpoint URL; a URL without <c>/services/oauth2/</c> is read as a login URL.</param>
    /// <returns>The login host.</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not absolute.</exception>
    public static SalesforceLoginHost FromEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The endpoint URL must be absolute.", nameof(endpoint));
        }

        var path = endpoint.AbsolutePath;
        var index = path.LastIndexOf(OAuthPathPrefix, StringComparison.OrdinalIgnoreCase);
        var loginPath = index >= 0 ? path[..index] : path;
        return Parse(new Uri(endpoint.GetLeftPart(UriPartial.Authority) + loginPath, UriKind.Absolute));
    }

    /// <summary>Chooses the audience for this login host; see <see cref="SalesforceAudience"/> for the rules.</summary>
    /// <param name="audience">The explicit <see cref="SalesforceClientOptions.Audience"/>, or <see langword="null"/>.</param>
    /// <param name="useMyDomainAsAudience">The <see cref="SalesforceClientOptions.UseMyDomainAsAudience"/> setting.</param>
    /// <returns>The audience and the rule that chose it.</returns>
    /// <exception cref="SalesforceConfigurationException">The explicit audience is malformed.</exception>
    public SalesforceAudience ResolveAudience(string? audience, bool useMyDomainAsAudience)
    {
        if (!string.IsNullOrWhiteSpace(audience))
        {
            var problem = SalesforceAudience.GetProblem(audience);
            if (problem is not null)
            {
                throw new SalesforceConfigurationException(nameof(SalesforceClientOptions.Audience), problem);
            }

            return new SalesforceAudience(audience.TrimEnd('/'), "the explicit Audience setting");
        }

        var origin = LoginUrl.GetLeftPart(UriPartial.Authority);
        if (useMyDomainAsAudience)
        {
            return new SalesforceAudience(origin, $"UseMyDomainAsAudience: the origin of LoginUrl ({origin})");
        }

        switch (Kind)
        {
            case SalesforceLoginHostKind.ExperienceCloudSite:
                var site = origin + _sitePath;
                return new SalesforceAudience(site, $"LoginUrl {site} is an Experience Cloud site URL, so the site URL is the audience");
            case SalesforceLoginHostKind.Sandbox:
                return new SalesforceAudience(SalesforceAudience.Sandbox, "LoginUrl is test.salesforce.com (sandbox)");
            case SalesforceLoginHostKind.SandboxMyDomain:
                return new SalesforceAudience(SalesforceAudience.Sandbox, $"LoginUrl host {Host} is a sandbox My Domain");
            case SalesforceLoginHostKind.LegacySandboxMyDomain:
                return new SalesforceAudience(SalesforceAudience.Sandbox, $"LoginUrl host {Host} is a sandbox My Domain (the format before enhanced domains)");
            case SalesforceLoginHostKind.Production:
                return new SalesforceAudience(SalesforceAudience.Production, "LoginUrl is login.salesforce.com (production)");
            default:
                return new SalesforceAudience(SalesforceAudience.Production, $"default for LoginUrl host {Host} (production or Developer Edition; set Audience or UseMyDomainAsAudience to change)");
        }
    }

    /// <summary>
    /// Whether a URL that Salesforce returned or pointed to from this login (an <c>instance_url</c>, an
    /// <c>api_instance_url</c>, a redirect <c>Location</c>) may receive requests and tokens.
    /// </summary>
    /// <remarks>
    /// It must be https (http only on a loopback host with <paramref name="allowInsecureLoopback"/>), carry no user
    /// information, not be an IP address, and its host must equal or end with <c>.</c> + one of
    /// <paramref name="trustedDomains"/>. Hosts under <c>site.com</c>, <c>force.com</c> and <c>salesforce-sites.com</c>,
    /// where any org can publish pages, are trusted through those broad entries only when this login is an Experience
    /// Cloud site; a narrower entry you add (<c>acme.my.site.com</c>) trusts its hosts from any login. One exception: when
    /// this login is itself https on a loopback host (an emulator with its own certificates), an https URL on a loopback
    /// host is trusted, since the emulator serves every host from there and TLS validation still applies.
    /// </remarks>
    /// <param name="url">The URL to check.</param>
    /// <param name="trustedDomains">Domain suffixes such as <c>salesforce.com</c>; <c>acme.com</c>, <c>.acme.com</c> and <c>*.acme.com</c> mean the same.</param>
    /// <param name="allowInsecureLoopback">Whether http and https on loopback hosts are allowed.</param>
    /// <param name="reason">Why not, when not trusted; safe to show.</param>
    /// <returns><see langword="true"/> when trusted.</returns>
    public bool IsTrusted([NotNullWhen(true)] Uri? url, IEnumerable<string> trustedDomains, bool allowInsecureLoopback, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(trustedDomains);
        reason = GetTrustProblem(url, trustedDomains, allowInsecureLoopback);
        return reason is null;
    }

    /// <summary>
    /// Why a login URL is an obvious mistake, with the URL to use instead; <see langword="null"/> when it is not one.
    /// Two mistakes are caught: a URL that already carries an OAuth or API path (<c>…/services/oauth2/token</c>, to
    /// which the library would append a second <c>/services/oauth2/token</c> and get a 404 page), and the Lightning UI
    /// host (<c>acme.lightning.force.com</c>), which serves the org's pages, not its token endpoint.
    /// </summary>
    /// <remarks>
    /// Refused rather than corrected: the same wrong value usually sits in other settings and tools (an audience, a
    /// second service, a script), and a silent correction would leave them wrong and make the log disagree with the
    /// configuration. The message carries the right URL, so the fix is one copy.
    /// The Lightning host of My Domain <c>acme</c> is <c>acme.lightning.force.com</c> and its login host
    /// <c>acme.my.salesforce.com</c> (sandboxes: <c>acme--uat.sandbox.lightning.force.com</c> and
    /// <c>acme--uat.sandbox.my.salesforce.com</c>): Salesforce Help, "Review Recommended Practices for a My Domain
    /// Change" (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5);
    /// that a Lightning host answers a token request with a redirect to a login page: OpenFn adaptors issue 295
    /// (https://github.com/OpenFn/adaptors/issues/295).
    /// </remarks>
    /// <param name="loginUrl">The configured login URL.</param>
    /// <returns>What is wrong and the URL to use, or <see langword="null"/>.</returns>
    public static string? GetLoginUrlProblem(Uri? loginUrl)
    {
        if (loginUrl is null || !loginUrl.IsAbsoluteUri)
        {
            return null;
        }

        var host = NormalizeHost(loginUrl);
        if (host.EndsWith(LightningSuffix, StringComparison.Ordinal) && host.Length > LightningSuffix.Length)
        {
            var myDomain = $"{loginUrl.Scheme}://{host[..^LightningSuffix.Length]}.my.salesforce.com";
            return $"LoginUrl \"{loginUrl}\" is the Lightning UI host of the org, not its login host: it answers a token request with a login page. Use the My Domain, LoginUrl = \"{myDomain}\".";
        }

        var path = loginUrl.AbsolutePath;
        var services = path.IndexOf(ServicesPath, StringComparison.OrdinalIgnoreCase);
        if (services >= 0)
        {
            var right = loginUrl.GetLeftPart(UriPartial.Authority) + path[..services];
            return $"LoginUrl \"{loginUrl}\" already carries the path {path[services..]}; the library appends /services/oauth2/token itself, so it would post to a page that does not exist. Use the base URL, LoginUrl = \"{right}\".";
        }

        return null;
    }

    /// <summary>Returns <see cref="LoginUrl"/> and <see cref="Kind"/>.</summary>
    /// <returns>For example <c>https://acme--uat.my.salesforce.com/ (LegacySandboxMyDomain)</c>.</returns>
    public override string ToString() => $"{LoginUrl} ({Kind})";

    /// <summary><see cref="IsTrusted"/> with a connection's settings; <see langword="null"/> when trusted, else why not.</summary>
    internal static string? GetTrustProblem(Uri? url, SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Parse(options.LoginUrl).GetTrustProblem(url, options.TrustedDomains, options.AllowInsecureLoopback);
    }

    /// <summary>
    /// <see cref="IsTrusted"/> for the site URL a token response reports (<c>sfdc_community_url</c>): checked as the
    /// site's own URL, so the site domains are acceptable from any login. The library sends nothing there; the URL is
    /// kept for the caller, who asked Salesforce for a member of that site.
    /// </summary>
    internal static string? GetSiteUrlTrustProblem(Uri? siteUrl, SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (siteUrl is not { IsAbsoluteUri: true })
        {
            return "it is not an absolute URL";
        }

        return Parse(siteUrl).GetTrustProblem(siteUrl, options.TrustedDomains, options.AllowInsecureLoopback);
    }

    /// <summary>Why a <see cref="SalesforceClientOptions.TrustedDomains"/> entry is unusable, or <see langword="null"/>.</summary>
    internal static string? GetTrustedDomainProblem(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "an empty entry";
        }

        if (entry.Contains('/', StringComparison.Ordinal) || entry.Contains(':', StringComparison.Ordinal) || entry.Contains('@', StringComparison.Ordinal))
        {
            return $"'{entry}' has a scheme, port, path or user information";
        }

        var suffix = NormalizeSuffix(entry);
        if (suffix.Length == 0)
        {
            return $"'{entry}' would trust every host";
        }

        if (suffix.Contains('*', StringComparison.Ordinal) || suffix.Any(char.IsWhiteSpace) || suffix.Contains("..", StringComparison.Ordinal))
        {
            return $"'{entry}' is not a domain name (a wildcard is only allowed as a leading '*.')";
        }

        if (!suffix.Contains('.', StringComparison.Ordinal))
        {
            // "com" would trust every .com host: a single label is a top-level domain, never a Salesforce domain.
            return $"'{entry}' is a single label (a top-level domain such as 'com') and would trust every host under it";
        }

        return null;
    }

    /// <summary>Whether the host is <c>localhost</c>, 127.0.0.0/8 or ::1.</summary>
    internal static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.DnsSafeHost, out var address)
            && IPAddress.IsLoopback(address);
    }

    /// <summary>Whether <paramref name="host"/> equals the suffix of <paramref name="domain"/> or ends with <c>.</c> + it.</summary>
    internal static bool MatchesSuffix(string host, string? domain)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (string.IsNullOrWhiteSpace(domain))
        {
            return false;
        }

        var suffix = NormalizeSuffix(domain);
        if (suffix.Length == 0)
        {
            return false;
        }

        if (host.Length == suffix.Length)
        {
            return string.Equals(host, suffix, StringComparison.OrdinalIgnoreCase);
        }

        // "salesforce.com.evil.example" and "evilsalesforce.com" must not match "salesforce.com": require the dot.
        return host.Length > suffix.Length
            && host[host.Length - suffix.Length - 1] == '.'
            && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    // "*.acme.com", ".acme.com" and "acme.com" all mean the domain and its subdomains.
    private static string NormalizeSuffix(string domain) => domain.Trim().TrimStart('*').TrimStart('.').TrimEnd('.');

    private string? GetTrustProblem(Uri? uri, IEnumerable<string> trustedDomains, bool allowInsecureLoopback)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return "it is not an absolute URL";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // https://evil.example@na1.salesforce.com style URLs: user info has no place in a Salesforce URL.
            return "it contains user information before the host";
        }

        var loopback = IsLoopback(uri);
        if (loopback && allowInsecureLoopback && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return null;
        }

        // An https login on loopback is an emulator (FakeSalesforce) whose hosts are all ports on loopback: with TLS on
        // both ends, the client's certificate validation is what protects the token, not a domain rule. A real
        // Salesforce login never answers with a loopback host, so production settings lose nothing.
        if (loopback && uri.Scheme == Uri.UriSchemeHttps && LoginUrl.Scheme == Uri.UriSchemeHttps && IsLoopback(LoginUrl))
        {
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return loopback
                ? "it uses http on a loopback host but AllowInsecureLoopback is off"
                : "it does not use https";
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return "its host is an IP address, not a Salesforce domain";
        }

        string host;
        try
        {
            host = uri.IdnHost.TrimEnd('.');
        }
        catch (UriFormatException)
        {
            // Uri accepts some hosts whose IDN (punycode) form cannot be computed, for example "xn--" labels holding
            // characters IDNA forbids: such a host is not a Salesforce domain, and must not throw from here.
            return "its host is not a valid internationalized domain name";
        }

        var siteDomain = Array.Find(SiteDomains, d => MatchesSuffix(host, d));
        var refusedSiteEntry = false;
        foreach (var domain in trustedDomains)
        {
            if (!MatchesSuffix(host, domain))
            {
                continue;
            }

            if (siteDomain is not null && Kind != SalesforceLoginHostKind.ExperienceCloudSite && NormalizeSuffix(domain).Length <= siteDomain.Length)
            {
                refusedSiteEntry = true;
                continue;
            }

            return null;
        }

        return refusedSiteEntry
            ? $"its host '{host}' is under {siteDomain}, where any org can publish pages; that is trusted only when LoginUrl is an Experience Cloud site (LoginUrl host {Host} is {Kind}). If the host is yours, add it to TrustedDomains"
            : $"its host '{host}' is not under a trusted domain (TrustedDomains: {string.Join(", ", trustedDomains)})";
    }

    private static string NormalizeHost(Uri uri)
    {
        try
        {
            return uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        }
        catch (UriFormatException)
        {
            return uri.Host.TrimEnd('.').ToLowerInvariant();
        }
    }

    private static SalesforceLoginHostKind Classify(string host, string path)
    {
        switch (host)
        {
            case "login.salesforce.com":
                return SalesforceLoginHostKind.Production;
            case "test.salesforce.com":
                return SalesforceLoginHostKind.Sandbox;
        }

        if (host.EndsWith(".sandbox.my.salesforce.com", StringComparison.Ordinal))
        {
            return SalesforceLoginHostKind.SandboxMyDomain;
        }

        if (host.EndsWith(".my.salesforce.com", StringComparison.Ordinal))
        {
            // Before enhanced domains a sandbox My Domain was <MyDomain>--<SandboxName>.my.salesforce.com: the "--"
            // separator in the first label is the tell.
            return host[..host.IndexOf('.', StringComparison.Ordinal)].Contains("--", StringComparison.Ordinal)
                ? SalesforceLoginHostKind.LegacySandboxMyDomain
                : SalesforceLoginHostKind.MyDomain;
        }

        // *.lightning.force.com is the Lightning UI of an org, not a site: it answers a token request with a redirect
        // to a login page.
        var siteHost = host.EndsWith(".site.com", StringComparison.Ordinal)
            || (host.EndsWith(".force.com", StringComparison.Ordinal) && !host.EndsWith(".lightning.force.com", StringComparison.Ordinal));

        // A site on a custom domain is told from other hosts by its path prefix (https://support.acme.com/customers).
        return siteHost || path.Length > 0 ? SalesforceLoginHostKind.ExperienceCloudSite : SalesforceLoginHostKind.Other;
    }
}
