using System.Net;

namespace SalesforceAuth.Internal;

/// <summary>
/// Decides whether a URL returned or pointed to by Salesforce (an <c>instance_url</c>, an <c>api_instance_url</c>, a
/// redirect <c>Location</c>) may receive our requests and tokens. A response must never be able to send a token to a
/// host outside the configured Salesforce domain suffixes (reference §8.3, §12).
/// </summary>
internal static class TrustedHosts
{
    /// <summary>Checks <paramref name="uri"/> against the trusted domain suffixes.</summary>
    /// <param name="uri">The URL to check.</param>
    /// <param name="trustedDomains">Domain suffixes such as <c>salesforce.com</c>; matched on a dot boundary.</param>
    /// <param name="allowInsecureLoopback">Whether loopback hosts (any scheme of http/https) are allowed.</param>
    /// <returns><see langword="null"/> when trusted; otherwise why not, safe to show (no secrets in a URL we check).</returns>
    public static string? GetProblem(Uri? uri, IEnumerable<string> trustedDomains, bool allowInsecureLoopback)
    {
        ArgumentNullException.ThrowIfNull(trustedDomains);
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

        foreach (var domain in trustedDomains)
        {
            if (MatchesSuffix(host, domain))
            {
                return null;
            }
        }

        return $"its host '{host}' is not under a trusted domain (TrustedDomains: {string.Join(", ", trustedDomains)})";
    }

    /// <summary>Whether <paramref name="uri"/> is trusted; see <see cref="GetProblem"/>.</summary>
    /// <param name="uri">The URL to check.</param>
    /// <param name="options">The connection settings holding the trusted domains and the loopback opt-in.</param>
    /// <returns><see langword="true"/> when trusted.</returns>
    public static bool IsTrusted(Uri? uri, SalesforceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GetProblem(uri, options.TrustedDomains, options.AllowInsecureLoopback) is null;
    }

    /// <summary>Whether the host is <c>localhost</c>, 127.0.0.0/8 or ::1.</summary>
    /// <param name="uri">An absolute URL.</param>
    /// <returns><see langword="true"/> for a loopback host.</returns>
    public static bool IsLoopback(Uri uri)
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

    /// <summary>Whether <paramref name="host"/> equals <paramref name="domain"/> or ends with <c>.</c> + domain.</summary>
    /// <param name="host">The host name (no trailing dot).</param>
    /// <param name="domain">The suffix; a leading dot is ignored.</param>
    /// <returns><see langword="true"/> on a dot-boundary match.</returns>
    public static bool MatchesSuffix(string host, string? domain)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (string.IsNullOrWhiteSpace(domain))
        {
            return false;
        }

        // "*.acme.com", ".acme.com" and "acme.com" all mean the domain and its subdomains.
        var suffix = domain.Trim().TrimStart('*').TrimStart('.').TrimEnd('.');
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
}
