using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SalesforceAuth.Tokens;

/// <summary>
/// Identifies one cached token: a Salesforce session belongs to one org, app and principal, and was obtained from one
/// authorization server (reference §12, "Recommended cache key"). The <c>instance_url</c> is part of the value, never
/// the key: it is only known after the token arrives, and it can change for the same key (§8.3).
/// </summary>
/// <param name="TokenEndpoint">The token endpoint, upper-cased (<c>https://login.salesforce.com/services/oauth2/token</c>).</param>
/// <param name="ClientId">The consumer key.</param>
/// <param name="Principal">The username, <c>client</c> (client credentials), or a digest of the refresh or subject token.</param>
/// <param name="Audience">The configured audience (empty when it is derived from the token endpoint).</param>
/// <param name="Flow">The flow.</param>
internal sealed record TokenCacheKey(string TokenEndpoint, string ClientId, string Principal, string Audience, SalesforceFlow Flow)
{
    private string? _distributedKey;

    /// <summary>
    /// A stable, opaque name for the distributed cache: a SHA-256 digest, so the raw key (usernames) is not visible in
    /// the shared store and the encryption can bind entries to it.
    /// </summary>
    public string DistributedKey => _distributedKey ??= ComputeDistributedKey();

    /// <summary>Creates the key of a connection and optional per-request overrides.</summary>
    /// <param name="options">The connection settings.</param>
    /// <param name="request">The overrides, or <see langword="null"/>.</param>
    /// <returns>The key.</returns>
    public static TokenCacheKey Create(SalesforceClientOptions options, SalesforceTokenRequest? request)
    {
        ArgumentNullException.ThrowIfNull(options);
        // {LoginUrl}/services/oauth2/token: an Experience Cloud site URL keeps its path, so two sites on one host differ.
        var endpoint = (options.LoginUrl.AbsoluteUri.TrimEnd('/') + "/services/oauth2/token").ToUpperInvariant();
        var principal = options.Flow switch
        {
            SalesforceFlow.ClientCredentials => "client",
            SalesforceFlow.RefreshToken => Digest("rt", request?.RefreshToken ?? options.RefreshToken),
            SalesforceFlow.TokenExchange => Digest("st", request?.SubjectToken ?? options.SubjectToken),
            _ => "user:" + (request?.Username ?? options.Username ?? string.Empty).ToUpperInvariant(),
        };
        var audience = options.Audience ?? (options.UseMyDomainAsAudience ? "mydomain" : string.Empty);
        return new TokenCacheKey(endpoint, options.ClientId ?? string.Empty, principal, audience, options.Flow);
    }

    /// <summary>A description safe to log: no principal (it may be a digest of a secret or a person's name).</summary>
    /// <returns>The endpoint, client id and flow.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TokenEndpoint} {ClientId} {Flow}");

    private static string Digest(string prefix, string? secret) =>
        prefix + ":" + (secret is null ? string.Empty : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));

    private string ComputeDistributedKey()
    {
        var raw = string.Join('\n', "v1", TokenEndpoint, ClientId, Principal, Audience, Flow.ToString());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
    }
}
