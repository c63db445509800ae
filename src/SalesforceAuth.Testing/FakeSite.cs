namespace SalesforceAuth.Testing;

/// <summary>
/// An Experience Cloud site of an org: its own host (a loopback port, like <c>acme.my.site.com</c>) with an optional
/// path prefix (<c>/customers</c>). Users of the org get tokens at <see cref="TokenEndpoint"/> with the site URL as
/// the assertion audience, and the response carries <c>sfdc_community_url</c> and <c>sfdc_community_id</c>.
/// Create one with <see cref="FakeOrg.AddSite"/>.
/// </summary>
public sealed class FakeSite
{
    internal FakeSite(FakeOrg org, string pathPrefix, Uri url, string networkId)
    {
        Org = org;
        PathPrefix = pathPrefix;
        Url = url;
        NetworkId = networkId;
    }

    /// <summary>The org the site belongs to.</summary>
    public FakeOrg Org { get; }

    /// <summary>The path prefix: empty, or <c>/customers</c>.</summary>
    public string PathPrefix { get; }

    /// <summary>
    /// The site URL, the login URL of the site's users and the audience of their assertions, for example
    /// <c>http://127.0.0.1:49160/customers</c> (no trailing slash after a prefix).
    /// </summary>
    public Uri Url { get; }

    /// <summary>The site's token endpoint: <c>{Url}/services/oauth2/token</c>.</summary>
    public Uri TokenEndpoint => new(UrlText + "/services/oauth2/token");

    /// <summary>The site (Network) ID, <c>0DB...</c>, sent as <c>sfdc_community_id</c>.</summary>
    public string NetworkId { get; }

    /// <summary>The site URL as sent in <c>sfdc_community_url</c> and accepted as <c>aud</c>: no trailing slash.</summary>
    internal string UrlText => Url.AbsoluteUri.TrimEnd('/');

    /// <inheritdoc/>
    public override string ToString() => UrlText;
}
