using System.Security.Cryptography.X509Certificates;
using SalesforceAuth.Testing.Internal;

namespace SalesforceAuth.Testing;

/// <summary>
/// A connected app (or External Client App) as an org admin configures it. Register it with
/// <see cref="FakeSalesforce.AddConnectedApp"/>; its settings are read on every request, so a test may change them later.
/// </summary>
public sealed class FakeConnectedApp
{
    /// <summary>The consumer key (OAuth <c>client_id</c>, JWT <c>iss</c>, SAML <c>Issuer</c>). Defaults to a realistic
    /// random <c>3MVG9...</c> value.</summary>
    public string ConsumerKey { get; init; } = Ids.NewConsumerKey();

    /// <summary>The consumer secret, or <see langword="null"/> for none. Defaults to a random 64-digit hex secret. When set,
    /// successful responses carry <c>signature</c> = Base64(HMAC-SHA256(secret, id + issued_at)) (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5).</summary>
    public string? ConsumerSecret { get; set; } = Ids.NewConsumerSecret();

    /// <summary>The uploaded certificate ("Use digital signatures"): its public key verifies JWT and SAML assertions.
    /// Without one every assertion is answered with <c>invalid assertion</c>.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The Permitted Users policy. Defaults to <see cref="FakePermittedUsers.AllUsersMaySelfAuthorize"/> like Salesforce.</summary>
    public FakePermittedUsers PermittedUsers { get; set; } = FakePermittedUsers.AllUsersMaySelfAuthorize;

    /// <summary>Users whose profile or permission set is added to the app (admin pre-authorization). For an External Client
    /// App, the users assigned through its policies (others get <c>invalid_app_access</c>).</summary>
    public ICollection<FakeUser> PreAuthorizedUsers { get; } = new HashSet<FakeUser>();

    /// <summary>The selected OAuth scopes, space-separated. Defaults to <c>api refresh_token offline_access</c>.</summary>
    public string Scopes { get; set; } = "api refresh_token offline_access";

    /// <summary>The enabled flows. Defaults to <see cref="FakeOAuthFlows.All"/>.</summary>
    public FakeOAuthFlows EnabledFlows { get; set; } = FakeOAuthFlows.All;

    /// <summary>The client credentials "Run As" user, or <see langword="null"/> (then <c>no client credentials user enabled</c>).</summary>
    public FakeUser? RunAsUser { get; set; }

    /// <summary>The refresh token policy. Defaults to <see cref="FakeRefreshTokenPolicy.Infinite"/>.</summary>
    public FakeRefreshTokenPolicy RefreshTokenPolicy { get; set; } = FakeRefreshTokenPolicy.Infinite;

    /// <summary>"Enable Refresh Token Rotation": each refresh returns a new <c>refresh_token</c>; reusing a rotated one revokes
    /// the chain (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1).</summary>
    public bool RefreshTokenRotation { get; set; }

    /// <summary>"Require Secret for Refresh Token Flow" (default <see langword="true"/>).</summary>
    public bool RequireSecretForRefresh { get; set; } = true;

    /// <summary>"Require secret for Token Exchange Flow" (default <see langword="true"/>).</summary>
    public bool RequireSecretForTokenExchange { get; set; } = true;

    /// <summary>The callback URLs: the <c>redirect_uri</c> values the authorize and token endpoints accept, compared exactly.
    /// Empty by default, so every authorization request gets <c>redirect_uri_mismatch</c> until one is added.</summary>
    public ICollection<string> CallbackUrls { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>"Require Secret for Web Server Flow" (default <see langword="true"/>): the <c>authorization_code</c> grant
    /// needs the consumer secret. Public clients (a CLI) turn it off and rely on PKCE.</summary>
    public bool RequireSecretForWebServerFlow { get; set; } = true;

    /// <summary>"Require Proof Key for Code Exchange (PKCE)": an authorization request without <c>code_challenge</c> is
    /// answered <c>invalid_request</c> / <c>missing required code challenge</c>.</summary>
    public bool RequirePkce { get; set; }

    /// <summary>"Introspect All Tokens": the app may introspect tokens issued to other apps.</summary>
    public bool IntrospectAllTokens { get; set; }

    /// <summary>Whether this is an External Client App: it must be installed in the user's org
    /// (<see cref="InstalledInOrgs"/>, else <c>app_not_found</c>), access is denied unless the user is in
    /// <see cref="PreAuthorizedUsers"/> (<c>invalid_app_access</c>), and a JWT with audience <c>https://test.salesforce.com</c>
    /// gets <c>app_not_found</c> (Salesforce Help "OAuth Authorization Flows", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flows_ca.htm&amp;type=5).</summary>
    public bool IsExternalClientApp { get; set; }

    /// <summary>The orgs an External Client App is installed or enabled in.</summary>
    public ICollection<FakeOrg> InstalledInOrgs { get; } = new HashSet<FakeOrg>();

    /// <summary>
    /// The token exchange handler (Apex <c>Auth.Oauth2TokenExchangeHandler</c>): maps a subject token and its
    /// <c>subject_token_type</c> to a user, or returns <see langword="null"/> to reject it. Without one every exchange is
    /// rejected with <see cref="FakeSalesforceOptions.TokenExchangeRejectedError"/>.
    /// </summary>
    public Func<string, string, FakeUser?>? TokenExchangeValidator { get; set; }

    /// <inheritdoc/>
    public override string ToString() => ConsumerKey;
}
