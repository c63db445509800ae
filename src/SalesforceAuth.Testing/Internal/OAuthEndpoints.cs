using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SalesforceAuth.Testing.Internal;

/// <summary>The <c>/services/oauth2/*</c> and <c>/id/*</c> endpoints of the login, sandbox login and My Domain hosts.
/// Validation order and exact bodies follow Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm.</summary>
internal sealed class OAuthEndpoints(FakeSalesforce owner)
{
    public const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string SamlBearer = "urn:ietf:params:oauth:grant-type:saml2-bearer";
    public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string ProductionAudience = "https://login.salesforce.com";
    public const string SandboxAudience = "https://test.salesforce.com";

    private static readonly HashSet<string> SubjectTokenTypes = new(StringComparer.Ordinal)
    {
        "urn:ietf:params:oauth:token-type:access_token",
        "urn:ietf:params:oauth:token-type:id_token",
        "urn:ietf:params:oauth:token-type:JWT",
        "urn:ietf:params:oauth:token-type:refresh_token",
        "urn:ietf:params:oauth:token-type:saml2",
    };

    private readonly JwtAssertionValidator _jwt = new(owner);
    private readonly SamlAssertionValidator _saml = new(owner);
    private AuthorizationCodeFlow? _authorizationCode;

    private AuthorizationCodeFlow AuthorizationCode => _authorizationCode ??= new AuthorizationCodeFlow(owner, this);

    public async Task<Reply> HandleAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        try
        {
            if (path.Equals("/services/oauth2/token", StringComparison.OrdinalIgnoreCase))
            {
                return await TokenAsync(listener, context, parameters, cancellationToken).ConfigureAwait(false);
            }

            if (path.Equals("/services/oauth2/authorize", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(method))
            {
                return AuthorizationCode.Authorize(listener, parameters);
            }

            if (path.Equals("/services/oauth2/introspect", StringComparison.OrdinalIgnoreCase))
            {
                return Introspect(listener, context, parameters);
            }

            if (path.Equals("/services/oauth2/revoke", StringComparison.OrdinalIgnoreCase))
            {
                return Revoke(parameters);
            }

            if (path.Equals("/services/oauth2/userinfo", StringComparison.OrdinalIgnoreCase) && (HttpMethods.IsGet(method) || HttpMethods.IsPost(method)))
            {
                return UserInfo(listener, context);
            }

            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 3 && segments[0] == "id" && HttpMethods.IsGet(method))
            {
                return Identity(listener, context, segments[1], segments[2]);
            }

            return Reply.Text(404, "Not Found", "NOT_FOUND");
        }
        catch (OAuthFailure failure)
        {
            return Reply.OAuthError(failure.Error, failure.Description);
        }
    }

    private async Task<Reply> TokenAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        // Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm.
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            throw new OAuthFailure("invalid_request", "must use HTTP POST");
        }

        // Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm: a JSON body is not parsed, so no grant_type is found (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5).
        var grantType = parameters.GetValueOrDefault("grant_type");
        switch (grantType)
        {
            case JwtBearer:
                {
                    var (app, user, audience) = _jwt.Validate(listener, parameters.GetValueOrDefault("assertion"));
                    CheckAccess(app, user, audience);
                    return await IssueAsync(grantType, listener, app, user, app.Scopes, cancellationToken).ConfigureAwait(false);
                }

            case SamlBearer:
                {
                    var (app, user) = _saml.Validate(listener, parameters.GetValueOrDefault("assertion"));
                    CheckAccess(app, user, null);
                    return await IssueAsync(grantType, listener, app, user, app.Scopes, cancellationToken).ConfigureAwait(false);
                }

            case "client_credentials":
                return await ClientCredentialsAsync(listener, context, parameters, cancellationToken).ConfigureAwait(false);
            case "refresh_token":
                return await RefreshAsync(listener, context, parameters, cancellationToken).ConfigureAwait(false);
            case "authorization_code":
                return AuthorizationCode.Exchange(listener, context, parameters);
            case TokenExchange:
                return await TokenExchangeAsync(listener, context, parameters, cancellationToken).ConfigureAwait(false);
            default:
                throw UnsupportedGrantType();
        }
    }

    public static OAuthFailure UnsupportedGrantType() => new("unsupported_grant_type", "grant type not supported");

    public static OAuthFailure InvalidClientId() => new("invalid_client_id", "client identifier invalid");

    public static void RequireFlow(FakeConnectedApp app, FakeOAuthFlows flow)
    {
        if (!app.EnabledFlows.HasFlag(flow))
        {
            throw UnsupportedGrantType();
        }
    }

    /// <summary>Whether a user can be reached through this host: the login service serves production orgs, the sandbox
    /// login service sandboxes, a My Domain only its own org (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm: a sandbox user at login gets invalid assertion).</summary>
    public static bool Reaches(Listener listener, FakeUser user) => listener.Kind switch
    {
        ListenerKind.Login => !user.Org.IsSandbox,
        ListenerKind.Sandbox => user.Org.IsSandbox,
        ListenerKind.MyDomain or ListenerKind.Site => listener.Org == user.Org,
        _ => false,
    };

    /// <summary>Whether a JWT or SAML assertion posted to this host may name <paramref name="audience"/> (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
    public static bool AcceptsAudience(FakeSalesforce owner, Listener listener, string audience) => listener.Kind switch
    {
        ListenerKind.Login => audience == ProductionAudience || owner.IsMyDomainOrigin(audience, sandbox: false),
        ListenerKind.Sandbox => audience == SandboxAudience || owner.IsMyDomainOrigin(audience, sandbox: true),
        ListenerKind.MyDomain => audience == listener.Origin || audience == (listener.Org!.IsSandbox ? SandboxAudience : ProductionAudience),
        ListenerKind.Site => audience == listener.Site!.UrlText,
        _ => false,
    };

    private void CheckAccess(FakeConnectedApp app, FakeUser user, string? audience)
    {
        if (app.IsExternalClientApp)
        {
            // Salesforce Help "OAuth Authorization Flows", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flows_ca.htm&type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm: an ECA must be installed in the user's org; test.salesforce.com reportedly fails too.
            if (!app.InstalledInOrgs.Contains(user.Org) || audience == SandboxAudience)
            {
                throw new OAuthFailure("app_not_found", "External client app is not installed in this org");
            }

            if (!app.PreAuthorizedUsers.Contains(user))
            {
                throw new OAuthFailure("invalid_app_access", "user is not admin approved to access this app");
            }

            return;
        }

        if (app.PreAuthorizedUsers.Contains(user))
        {
            return;
        }

        // Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5: otherwise an earlier approval that issued a refresh token, and the app must still carry the scope.
        bool approved;
        lock (owner.Gate)
        {
            approved = app.PermittedUsers == FakePermittedUsers.AllUsersMaySelfAuthorize
                && FakeSalesforce.HasOfflineScope(app.Scopes)
                && owner.HasApproval(app, user);
        }

        if (!approved)
        {
            throw OAuthFailure.InvalidGrant("user hasn't approved this consumer");
        }
    }

    private async Task<Reply> ClientCredentialsAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        // Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5: client credentials only on My Domain.
        if (listener.Kind != ListenerKind.MyDomain)
        {
            throw OAuthFailure.InvalidGrant("request not supported on this domain");
        }

        var (app, _) = AuthenticateClient(context, parameters, FakeOAuthFlows.ClientCredentials, secretRequired: true);
        var user = app.RunAsUser;
        if (user is null || user.Org != listener.Org)
        {
            throw OAuthFailure.InvalidGrant("no client credentials user enabled");
        }

        if (app.IsExternalClientApp && !app.InstalledInOrgs.Contains(user.Org))
        {
            throw new OAuthFailure("app_not_found", "External client app is not installed in this org");
        }

        if (!user.IsActive)
        {
            throw OAuthFailure.InvalidGrant("inactive user");
        }

        // Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5: full, web, refresh_token and offline_access are dropped from the issued scope.
        var scope = string.Join(' ', app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s is not ("full" or "web" or "refresh_token" or "offline_access")));
        return await IssueAsync("client_credentials", listener, app, user, scope, cancellationToken, apiInstanceUrl: true).ConfigureAwait(false);
    }

    private async Task<Reply> RefreshAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var (app, _) = AuthenticateClient(context, parameters, FakeOAuthFlows.RefreshToken, secretRequired: null);
        var presented = parameters.GetValueOrDefault("refresh_token") ?? "";
        var expired = OAuthFailure.InvalidGrant("expired access/refresh token");
        RefreshTokenRecord record;
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (!owner.RefreshTokens.TryGetValue(presented, out var found) || found.Chain.App != app || found.Chain.Revoked || !Reaches(listener, found.Chain.User))
            {
                throw expired;
            }

            if (found.Rotated)
            {
                // Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&type=1: reuse of a rotated token revokes the current refresh token and its sessions.
                found.Chain.Revoke();
                throw expired;
            }

            var policy = app.RefreshTokenPolicy;
            if ((policy.Lifetime is { } lifetime && now >= found.Chain.CreatedAt + lifetime)
                || (policy.Inactivity is { } idle && now >= found.Chain.LastUsed + idle))
            {
                throw expired;
            }

            if (found.InFlight)
            {
                // Salesforce Winter '25 release notes (simultaneous refresh token requests), https://help.salesforce.com/s/articleView?id=release-notes.rn_security_refresh_token_error.htm&release=252&type=5 (release 252 wording).
                throw OAuthFailure.InvalidGrant("token request is already being processed");
            }

            if (!found.Chain.User.IsActive)
            {
                throw OAuthFailure.InvalidGrant("inactive user");
            }

            found.InFlight = true;
            record = found;
        }

        try
        {
            if (owner.GrantProcessing is { } hook)
            {
                await hook("refresh_token", cancellationToken).ConfigureAwait(false);
            }

            lock (owner.Gate)
            {
                var chain = record.Chain;
                if (chain.Revoked)
                {
                    throw expired;
                }

                var now = owner.UtcNow;
                chain.LastUsed = now;
                string? rotated = null;
                if (app.RefreshTokenRotation)
                {
                    record.Rotated = true;
                    rotated = owner.AddRefreshToken(chain, now).Token;
                }

                return Issue(listener, app, chain.User, chain.Scope, chain, rotated, apiInstanceUrl: false);
            }
        }
        finally
        {
            lock (owner.Gate)
            {
                record.InFlight = false;
            }
        }
    }

    private async Task<Reply> TokenExchangeAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var (app, _) = AuthenticateClient(context, parameters, FakeOAuthFlows.TokenExchange, secretRequired: null);
        var type = parameters.GetValueOrDefault("subject_token_type");
        if (type is null || !SubjectTokenTypes.Contains(type))
        {
            throw OAuthFailure.From(owner.Options.TokenExchangeUnsupportedTypeError);
        }

        var subjectToken = parameters.GetValueOrDefault("subject_token");
        var user = string.IsNullOrEmpty(subjectToken) ? null : app.TokenExchangeValidator?.Invoke(subjectToken, type);
        if (user is null || !Reaches(listener, user))
        {
            throw OAuthFailure.From(owner.Options.TokenExchangeRejectedError);
        }

        if (!user.IsActive)
        {
            throw OAuthFailure.InvalidGrant("inactive user");
        }

        CheckAccess(app, user, null);
        return await IssueAsync(TokenExchange, listener, app, user, app.Scopes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Client authentication by body (<c>client_secret_post</c>) or HTTP Basic (<c>client_secret_basic</c>).
    /// <paramref name="secretRequired"/> null means "as the app's settings say for this flow".</summary>
    internal (FakeConnectedApp App, bool SecretPresented) AuthenticateClient(
        HttpContext context, Dictionary<string, string> parameters, FakeOAuthFlows flow, bool? secretRequired)
    {
        var clientId = parameters.GetValueOrDefault("client_id");
        var secret = parameters.GetValueOrDefault("client_secret");
        if (string.IsNullOrEmpty(clientId) && TryReadBasic(context, out var basicId, out var basicSecret))
        {
            clientId = basicId;
            secret = basicSecret;
        }

        var app = owner.FindApp(clientId) ?? throw InvalidClientId();
        if (flow != FakeOAuthFlows.None)
        {
            RequireFlow(app, flow);
        }

        var required = secretRequired ?? flow switch
        {
            FakeOAuthFlows.RefreshToken => app.RequireSecretForRefresh,
            FakeOAuthFlows.TokenExchange => app.RequireSecretForTokenExchange,
            FakeOAuthFlows.AuthorizationCode => app.RequireSecretForWebServerFlow,
            _ => true,
        };

        var presented = !string.IsNullOrEmpty(secret);
        if ((presented && !SecretMatches(app, secret!)) || (!presented && required))
        {
            throw new OAuthFailure("invalid_client", "invalid client credentials");
        }

        return (app, presented);
    }

    private static bool SecretMatches(FakeConnectedApp app, string secret) =>
        app.ConsumerSecret is { } expected
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(secret));

    private static bool TryReadBasic(HttpContext context, out string? clientId, out string? secret)
    {
        clientId = secret = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            clientId = Uri.UnescapeDataString(decoded[..colon]);
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task<Reply> IssueAsync(
        string grantType, Listener listener, FakeConnectedApp app, FakeUser user, string scope, CancellationToken cancellationToken, bool apiInstanceUrl = false)
    {
        if (owner.GrantProcessing is { } hook)
        {
            await hook(grantType, cancellationToken).ConfigureAwait(false);
        }

        lock (owner.Gate)
        {
            return Issue(listener, app, user, scope, null, null, apiInstanceUrl);
        }
    }

    /// <summary>Success body (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5 key order, Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm). Caller holds the gate.</summary>
    internal Reply Issue(Listener listener, FakeConnectedApp app, FakeUser user, string scope, RefreshChain? chain, string? refreshToken, bool apiInstanceUrl)
    {
        var now = owner.UtcNow;
        var org = user.Org;
        var instanceUrl = owner.EnsurePod(org.Pod).Origin;
        var identityUrl = IdentityUrl(listener, user);
        var record = new AccessTokenRecord(Ids.NewAccessToken(org.OrgId), app, user, org.Pod, scope, identityUrl, now, chain);
        owner.AccessTokens[record.Token] = record;
        chain?.AccessTokens.Add(record);
        var issuedAt = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = Reply.Json(w =>
        {
            w.WriteString("access_token", record.Token);
            if (refreshToken is not null)
            {
                w.WriteString("refresh_token", refreshToken);
            }

            if (app.ConsumerSecret is { } secret)
            {
                w.WriteString("signature", Signature(secret, identityUrl, issuedAt));
            }

            w.WriteString("scope", scope);
            w.WriteString("instance_url", instanceUrl);
            w.WriteString("id", identityUrl);
            w.WriteString("token_type", "Bearer");
            w.WriteString("issued_at", issuedAt);
            if (apiInstanceUrl)
            {
                w.WriteString("api_instance_url", "https://api.salesforce.com");
            }

            if (listener.Site is { } site)
            {
                w.WriteString("sfdc_community_url", site.UrlText);
                w.WriteString("sfdc_community_id", site.NetworkId);
            }
        });
        var reply = Reply.JsonBody(body);
        reply.AddNoCacheHeaders();
        return reply;
    }

    /// <summary>Base64(HMAC-SHA256(secret, id + issued_at)) (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5).</summary>
    public static string Signature(string secret, string identityUrl, string issuedAt) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(identityUrl + issuedAt)));

    private static string IdentityUrl(Listener listener, FakeUser user) => $"{listener.PublicBase}/id/{user.Org.OrgId}/{user.UserId}";

    private Reply Introspect(Listener listener, HttpContext context, Dictionary<string, string> parameters)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            throw new OAuthFailure("invalid_request", "must use HTTP POST");
        }

        var (app, _) = AuthenticateClient(context, parameters, FakeOAuthFlows.None, secretRequired: true);
        var token = parameters.GetValueOrDefault("token") ?? "";
        string body;
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (owner.AccessTokens.TryGetValue(token, out var access) && owner.IsSessionValid(access, now) && (access.App == app || app.IntrospectAllTokens))
            {
                body = Active(access.Scope, access.App, access.User, access.IdentityUrl, "access_token", owner.SessionExpiry(access), access.IssuedAt);
            }
            else if (owner.RefreshTokens.TryGetValue(token, out var refresh) && !refresh.Chain.Revoked && !refresh.Rotated && (refresh.Chain.App == app || app.IntrospectAllTokens))
            {
                var policy = refresh.Chain.App.RefreshTokenPolicy;
                DateTimeOffset? exp = policy.Lifetime is { } lifetime ? refresh.Chain.CreatedAt + lifetime
                    : policy.Inactivity is { } idle ? refresh.Chain.LastUsed + idle : null;
                body = exp is { } e && now >= e
                    ? """{"active":false}"""
                    : Active(refresh.Chain.Scope, refresh.Chain.App, refresh.Chain.User, IdentityUrl(listener, refresh.Chain.User), "refresh_token", exp, refresh.IssuedAt);
            }
            else
            {
                body = """{"active":false}""";
            }
        }

        var reply = Reply.JsonBody(body);
        reply.AddNoCacheHeaders();
        return reply;
    }

    private static string Active(string scope, FakeConnectedApp app, FakeUser user, string sub, string tokenType, DateTimeOffset? exp, DateTimeOffset issuedAt) =>
        Reply.Json(w =>
        {
            w.WriteBoolean("active", true);
            w.WriteString("scope", scope);
            w.WriteString("client_id", app.ConsumerKey);
            w.WriteString("username", user.Username);
            w.WriteString("sub", sub);
            w.WriteString("token_type", tokenType);
            if (exp is { } e)
            {
                w.WriteNumber("exp", e.ToUnixTimeSeconds());
            }

            w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            w.WriteNumber("nbf", issuedAt.ToUnixTimeSeconds());
        });

    private Reply Revoke(Dictionary<string, string> parameters)
    {
        var token = parameters.GetValueOrDefault("token") ?? "";
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (owner.AccessTokens.TryGetValue(token, out var access) && owner.IsSessionValid(access, now))
            {
                access.Revoked = true;
                return new Reply { StatusCode = 200 };
            }

            if (owner.RefreshTokens.TryGetValue(token, out var refresh) && !refresh.Chain.Revoked && !refresh.Rotated)
            {
                // Salesforce Help "Revoke OAuth Tokens", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5: revoking a refresh token revokes every access token issued from it.
                refresh.Chain.Revoke();
                return new Reply { StatusCode = 200 };
            }
        }

        return Reply.OAuthError("invalid_token", "invalid token");
    }

    private AccessTokenRecord? Authenticate(HttpContext context, out Reply? failure)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            failure = Reply.Text(403, "Missing_OAuth_Token", "Missing_OAuth_Token");
            return null;
        }

        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.StartsWith("OAuth ", StringComparison.OrdinalIgnoreCase)
            ? header[(header.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim()
            : "";
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (owner.AccessTokens.TryGetValue(token, out var access) && owner.IsSessionValid(access, now))
            {
                access.LastActivity = now;
                failure = null;
                return access;
            }
        }

        // Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5: 403 text/plain Bad_OAuth_Token, not JSON.
        failure = Reply.Text(403, "Bad_OAuth_Token", "Bad_OAuth_Token");
        return null;
    }

    private Reply UserInfo(Listener listener, HttpContext context)
    {
        var access = Authenticate(context, out var failure);
        if (access is null)
        {
            return failure!;
        }

        var user = access.User;
        return Reply.JsonBody(Reply.Json(w =>
        {
            w.WriteString("sub", IdentityUrl(listener, user));
            w.WriteString("user_id", user.UserId);
            w.WriteString("organization_id", user.Org.OrgId);
            w.WriteString("preferred_username", user.Username);
            w.WriteString("nickname", user.Username.Split('@')[0]);
            w.WriteString("name", user.Username);
            w.WriteString("email", user.Username);
            w.WriteBoolean("email_verified", true);
            w.WriteBoolean("active", user.IsActive);
            w.WriteString("user_type", "STANDARD");
            w.WriteString("language", "en_US");
            w.WriteString("locale", "en_US");
            w.WriteString("zoneinfo", "GMT");
            w.WriteBoolean("is_app_installed", true);
            WriteUrls(w, owner.EnsurePod(user.Org.Pod).Origin, user);
        }));
    }

    private Reply Identity(Listener listener, HttpContext context, string orgId, string userId)
    {
        var access = Authenticate(context, out var failure);
        if (access is null)
        {
            return failure!;
        }

        var user = owner.FindUserById(access.Org, userId);
        if (access.Org.OrgId != orgId || user is null)
        {
            return Reply.Text(403, "Bad_OAuth_Token", "Bad_OAuth_Token");
        }

        return Reply.JsonBody(Reply.Json(w =>
        {
            w.WriteString("id", IdentityUrl(listener, user));
            w.WriteBoolean("asserted_user", user == access.User);
            w.WriteString("user_id", user.UserId);
            w.WriteString("organization_id", user.Org.OrgId);
            w.WriteString("username", user.Username);
            w.WriteString("nick_name", user.Username.Split('@')[0]);
            w.WriteString("display_name", user.Username);
            w.WriteString("email", user.Username);
            w.WriteBoolean("active", user.IsActive);
            w.WriteString("user_type", "STANDARD");
            w.WriteString("language", "en_US");
            w.WriteString("locale", "en_US");
            w.WriteNumber("utcOffset", 0);
            w.WriteBoolean("is_app_installed", true);
            WriteUrls(w, owner.EnsurePod(user.Org.Pod).Origin, user);
        }));
    }

    private static void WriteUrls(Utf8JsonWriter w, string instanceUrl, FakeUser user)
    {
        w.WriteStartObject("urls");
        w.WriteString("rest", instanceUrl + "/services/data/v{version}/");
        w.WriteString("sobjects", instanceUrl + "/services/data/v{version}/sobjects/");
        w.WriteString("query", instanceUrl + "/services/data/v{version}/query/");
        w.WriteString("profile", instanceUrl + "/" + user.UserId);
        w.WriteEndObject();
    }
}
