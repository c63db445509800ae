using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SalesforceAuth.Testing.Internal;

/// <summary>
/// The web server flow ("OAuth 2.0 Web Server Flow for Web App Integration",
/// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm&amp;type=5):
/// <c>GET /services/oauth2/authorize</c>, approved or denied by the scripted browser session
/// (<see cref="FakeSalesforce.AuthorizingUser"/>, <see cref="FakeSalesforce.ApproveAuthorization"/>), then the
/// <c>authorization_code</c> grant with PKCE at the token endpoint.
/// </summary>
internal sealed class AuthorizationCodeFlow(FakeSalesforce owner, OAuthEndpoints endpoints)
{
    /// <summary>Salesforce documents authorization codes as valid for 15 minutes.</summary>
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, AuthorizationCodeRecord> _codes = new(StringComparer.Ordinal);

    public Reply Authorize(Listener listener, Dictionary<string, string> parameters)
    {
        // Without a known app and a registered callback Salesforce cannot trust redirect_uri, so it shows the error on its
        // own page instead of redirecting (observed as "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration").
        var app = owner.FindApp(parameters.GetValueOrDefault("client_id"));
        if (app is null)
        {
            return ErrorPage("invalid_client_id", "client identifier invalid");
        }

        var redirectUri = parameters.GetValueOrDefault("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return ErrorPage("redirect_uri_missing", "redirect_uri must be provided");
        }

        if (!app.CallbackUrls.Contains(redirectUri))
        {
            return ErrorPage("redirect_uri_mismatch", "redirect_uri must match configuration");
        }

        var state = parameters.GetValueOrDefault("state");
        if (parameters.GetValueOrDefault("response_type") != "code" || !app.EnabledFlows.HasFlag(FakeOAuthFlows.AuthorizationCode))
        {
            return Redirect(redirectUri, state, ("error", "unsupported_response_type"), ("error_description", "response type not supported"));
        }

        var challenge = parameters.GetValueOrDefault("code_challenge");
        var method = parameters.GetValueOrDefault("code_challenge_method");
        if (string.IsNullOrEmpty(challenge) ? app.RequirePkce : method is not (null or "S256"))
        {
            return Redirect(redirectUri, state, ("error", "invalid_request"), ("error_description", string.IsNullOrEmpty(challenge) ? "missing required code challenge" : "invalid code challenge method"));
        }

        var user = owner.AuthorizingUser;
        if (user is null || !OAuthEndpoints.Reaches(listener, user) || !user.IsActive)
        {
            // Nobody signed in here: the login form, and no redirect until someone logs in.
            return new Reply
            {
                StatusCode = 200,
                ContentType = "text/html;charset=UTF-8",
                Body = "<!DOCTYPE html><html><head><title>Login | Salesforce</title></head><body><form id=\"login_form\"></form></body></html>",
            };
        }

        if (!owner.ApproveAuthorization)
        {
            return Redirect(redirectUri, state, ("error", "access_denied"), ("error_description", "end-user denied authorization"));
        }

        var requested = (parameters.GetValueOrDefault("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var appScopes = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var scope = string.Join(' ', requested.Length == 0 ? appScopes : requested.Where(appScopes.Contains));
        var code = "aPrx" + Ids.RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.", 80) + "==";
        lock (owner.Gate)
        {
            _codes[code] = new AuthorizationCodeRecord(code, listener, app, user, redirectUri, scope, string.IsNullOrEmpty(challenge) ? null : challenge, owner.UtcNow);
        }

        return Redirect(redirectUri, state, ("code", code));
    }

    public Reply Exchange(Listener listener, HttpContext context, Dictionary<string, string> parameters)
    {
        var (app, _) = endpoints.AuthenticateClient(context, parameters, FakeOAuthFlows.AuthorizationCode, secretRequired: null);
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (!_codes.TryGetValue(parameters.GetValueOrDefault("code") ?? "", out var record) || record.Used || record.App != app || record.Listener != listener)
            {
                throw OAuthFailure.InvalidGrant("invalid authorization code");
            }

            // Single use, even when the exchange fails below.
            record.Used = true;
            if (now >= record.IssuedAt + CodeLifetime)
            {
                throw OAuthFailure.InvalidGrant("expired authorization code");
            }

            if (parameters.GetValueOrDefault("redirect_uri") != record.RedirectUri)
            {
                throw new OAuthFailure("redirect_uri_mismatch", "redirect_uri must match configuration");
            }

            if (record.CodeChallenge is { } challenge && !VerifierMatches(parameters.GetValueOrDefault("code_verifier"), challenge))
            {
                throw new OAuthFailure("invalid_request", "invalid code verifier");
            }

            // An approval that includes refresh_token (or offline_access) is what issues a refresh token (Salesforce Help "OAuth 2.0 Refresh Token Flow for Renewed Sessions", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm&type=5).
            var offline = FakeSalesforce.HasOfflineScope(record.Scope) && FakeSalesforce.HasOfflineScope(app.Scopes);
            var chain = offline ? owner.Approve(app, record.User, now) : null;
            var refreshToken = chain is null ? null : owner.AddRefreshToken(chain, now).Token;
            return endpoints.Issue(listener, app, record.User, record.Scope, chain, refreshToken, apiInstanceUrl: false);
        }
    }

    /// <summary>RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge.</summary>
    private static bool VerifierMatches(string? verifier, string challenge)
    {
        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }

        var computed = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    private static Reply ErrorPage(string error, string description) =>
        new()
        {
            StatusCode = 400,
            ContentType = "text/plain;charset=UTF-8",
            Body = $"error={error}&error_description={Uri.EscapeDataString(description)}",
            Error = error,
            ErrorDescription = description,
        };

    private static Reply Redirect(string redirectUri, string? state, params (string Name, string Value)[] query)
    {
        var parameters = state is null ? query : [.. query, ("state", state)];
        var location = new StringBuilder(redirectUri);
        location.Append(redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        location.AppendJoin('&', parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={Uri.EscapeDataString(p.Value)}")));
        var reply = new Reply
        {
            StatusCode = 302,
            Error = query.FirstOrDefault(p => p.Name == "error").Value,
            ErrorDescription = query.FirstOrDefault(p => p.Name == "error_description").Value,
        };
        reply.Headers["Location"] = location.ToString();
        return reply;
    }
}
