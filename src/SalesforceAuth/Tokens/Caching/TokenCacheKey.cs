using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// Identifies one cached token. Two token requests share a key exactly when they must yield the same session: the same
/// connection asking the same authorization server, as the same app, for the same principal, with the same grant
/// parameters. The <c>instance_url</c> is part of the value, never the key: it is only known after the token arrives,
/// and it can change for the same key (an org moves to another pod).
/// </summary>
/// <remarks>
/// <para>
/// <b>The connection name is part of the identity.</b> A connection is the unit of configuration: its signing key,
/// client secret, trusted domains, session lifetime, token source and refresh token store are all per connection and
/// none of them is in the key. Were two connections allowed to share a slot, whichever started an acquisition would
/// obtain the token for both, under its own key material and trust rules; and a refresh token store is only known by
/// the connection it was registered for, so the connection is the one stable thing that tells two stores apart (two
/// orgs behind one login URL and consumer key, the usual ISV setup, would otherwise share a session). The cost is one
/// extra token request when two connections are configured alike. Across a fleet the same name on every instance still
/// shares through the distributed cache, as it should: it is the same connection deployed several times.
/// </para>
/// <para>
/// Within a connection, only what the flow sends decides the principal: the username for the bearer flows (compared
/// ASCII-case-insensitively, as Salesforce compares usernames, after refusing non-ASCII ones so that no Unicode case
/// mapping can fold two names together), the refresh or subject token (by SHA-256 digest, never in clear), and for
/// token exchange the token types, the actor token, the token handler and the scope. Overrides a flow ignores (a
/// username on a refresh connection) do not split the slot, so such callers still share one acquisition.
/// </para>
/// </remarks>
internal sealed class TokenCacheKey : IEquatable<TokenCacheKey>
{
    // Bumped whenever the identity changes, so entries written under an older identity are never read under a new one.
    private const string DistributedVersion = "v2";

    private readonly string _identity;
    private readonly int _hashCode;
    private string? _distributedKey;

    private TokenCacheKey(string connection, bool resolved, SalesforceFlow flow, string tokenEndpoint, string clientId, string identity)
    {
        Connection = connection;
        Resolved = resolved;
        Flow = flow;
        TokenEndpoint = tokenEndpoint;
        ClientId = clientId;
        _identity = identity;
        _hashCode = StringComparer.Ordinal.GetHashCode(identity);
    }

    /// <summary>The connection name.</summary>
    public string Connection { get; }

    /// <summary>Whether the connection was resolved at run time (see <see cref="Create"/>).</summary>
    public bool Resolved { get; }

    /// <summary>The flow.</summary>
    public SalesforceFlow Flow { get; }

    /// <summary>The token endpoint requested (<c>https://login.salesforce.com/services/oauth2/token</c>).</summary>
    public string TokenEndpoint { get; }

    /// <summary>The consumer key.</summary>
    public string ClientId { get; }

    /// <summary>
    /// A stable, opaque name for the distributed cache: a SHA-256 digest of the identity, so usernames are not visible in
    /// the shared store and the encryption can bind entries to it.
    /// </summary>
    public string DistributedKey => _distributedKey ??= Convert.ToHexString(SHA256.HashData(Utf16(DistributedVersion + "\n" + _identity)));

    /// <summary>Creates the key of a connection and optional per-request overrides.</summary>
    /// <param name="connection">The connection name.</param>
    /// <param name="options">The connection settings.</param>
    /// <param name="request">The overrides, or <see langword="null"/>.</param>
    /// <param name="resolved">
    /// Whether the connection was resolved at run time (an id given to the connection resolver) rather than configured
    /// by name: the two are apart even when a tenant id equals a configured name.
    /// </param>
    /// <returns>The key.</returns>
    /// <exception cref="SalesforceConfigurationException">The configured username is not ASCII.</exception>
    /// <exception cref="ArgumentException">The per-request username is not ASCII.</exception>
    public static TokenCacheKey Create(string connection, SalesforceClientOptions options, SalesforceTokenRequest? request, bool resolved = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = SalesforceLoginHost.Parse(options.LoginUrl).TokenEndpoint.AbsoluteUri;
        var clientId = options.ClientId ?? string.Empty;

        // Every field length-prefixed: no value (a scope, a handler name, a connection name) can imitate a boundary.
        var identity = new StringBuilder(256);
        Append(identity, connection);
        if (resolved)
        {
            // Only resolved keys get this field, so configured connections keep their distributed keys. A configured
            // key has the flow here, which is never "resolved".
            Append(identity, "resolved");
        }

        Append(identity, options.Flow.ToString());
        Append(identity, endpoint);
        Append(identity, clientId);
        switch (options.Flow)
        {
            case SalesforceFlow.ClientCredentials:
                // The app's Run As user: nothing else is sent that selects a principal.
                break;
            case SalesforceFlow.RefreshToken:
                if (request?.RefreshToken is { } explicitToken)
                {
                    // A caller's own refresh token is its own chain, apart from the connection's (whose current token is
                    // the store's, and no longer the one configured once rotation has moved on).
                    Append(identity, "explicit");
                    Append(identity, Digest(explicitToken));
                }
                else
                {
                    // The connection's chain: the connection name (above) identifies it, with or without a store.
                    Append(identity, options.HasRefreshTokenStore ? "store" : "memory");
                    Append(identity, Digest(options.RefreshToken));
                }

                break;
            case SalesforceFlow.TokenExchange:
                Append(identity, Digest(request?.SubjectToken ?? options.SubjectToken));
                Append(identity, options.SubjectTokenType);
                Append(identity, Digest(options.ActorToken));
                Append(identity, options.ActorTokenType);
                Append(identity, options.TokenExchangeHandler);
                Append(identity, options.Scope);
                break;
            default:
                Append(identity, FoldUsername(request, options));
                Append(identity, options.UseMyDomainAsAudience ? "mydomain" : "derived");
                Append(identity, options.Audience);
                if (options.Flow == SalesforceFlow.SamlBearer)
                {
                    Append(identity, options.SamlNameIdFormat);
                }

                break;
        }

        return new TokenCacheKey(connection, resolved, options.Flow, endpoint, clientId, identity.ToString());
    }

    /// <inheritdoc />
    public bool Equals(TokenCacheKey? other) =>
        other is not null && _hashCode == other._hashCode && string.Equals(_identity, other._identity, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TokenCacheKey);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>A description safe to log: no principal (it may be a digest of a secret or a person's name).</summary>
    /// <returns>The connection, endpoint, client id and flow.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Connection} {TokenEndpoint} {ClientId} {Flow}");

    private static string FoldUsername(SalesforceTokenRequest? request, SalesforceClientOptions options)
    {
        if (request?.Username is { } requested)
        {
            if (SalesforceUsername.GetProblem(requested) is { } problem)
            {
                throw new ArgumentException($"The per-request username {problem}", nameof(request));
            }

            return SalesforceUsername.FoldCase(requested);
        }

        var configured = options.Username ?? string.Empty;
        if (SalesforceUsername.GetProblem(configured) is { } configuredProblem)
        {
            throw new SalesforceConfigurationException(nameof(options.Username), "Username " + configuredProblem);
        }

        return SalesforceUsername.FoldCase(configured);
    }

    private static void Append(StringBuilder identity, string? value)
    {
        if (value is null)
        {
            identity.Append('-');
        }
        else
        {
            identity.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        identity.Append(';');
    }

    // Of the UTF-16 code units, not UTF-8: a lone surrogate would be replaced by U+FFFD in UTF-8, and two different
    // secrets would then share a digest.
    private static string? Digest(string? secret) =>
        secret is null ? null : Convert.ToHexString(SHA256.HashData(Utf16(secret)));

    // Little-endian whatever the machine, so every instance of a fleet computes the same distributed key.
    private static byte[] Utf16(string value)
    {
        var bytes = new byte[value.Length * 2];
        for (var i = 0; i < value.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), value[i]);
        }

        return bytes;
    }
}
