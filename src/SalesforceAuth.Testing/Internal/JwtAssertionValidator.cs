using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SalesforceAuth.Testing.Internal;

/// <summary>Verifies a JWT bearer assertion the way Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm describe, in that order.</summary>
internal sealed class JwtAssertionValidator(FakeSalesforce owner)
{
    private static readonly TimeSpan StrictMaximumLifetime = TimeSpan.FromMinutes(3);

    public (FakeConnectedApp App, FakeUser User, string Audience) Validate(Listener listener, string? assertion)
    {
        var invalid = OAuthFailure.InvalidGrant("invalid assertion");
        var parts = (assertion ?? "").Split('.');
        if (parts.Length != 3
            || !Base64Url.TryDecode(parts[0], false, out var headerBytes)
            || !Base64Url.TryDecode(parts[1], false, out var payloadBytes)
            || !Base64Url.TryDecode(parts[2], false, out var signature))
        {
            throw invalid;
        }

        JsonElement header;
        JsonElement claims;
        try
        {
            header = JsonDocument.Parse(headerBytes).RootElement;
            claims = JsonDocument.Parse(payloadBytes).RootElement;
        }
        catch (JsonException)
        {
            throw invalid;
        }

        // RS256 is the only documented algorithm (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5); "none" and HMAC must never pass.
        if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object
            || !header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
        {
            throw invalid;
        }

        var app = owner.FindApp(GetString(claims, "iss")) ?? throw OAuthEndpoints.InvalidClientId();
        OAuthEndpoints.RequireFlow(app, FakeOAuthFlows.JwtBearer);
        using (var key = app.Certificate?.GetRSAPublicKey())
        {
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (key is null || !key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                throw invalid;
            }
        }

        // A single string equal to an accepted audience: no arrays, no bare hosts, no trailing slash (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5).
        var audience = claims.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.String ? aud.GetString()! : null;
        if (audience is null || !OAuthEndpoints.AcceptsAudience(owner, listener, audience))
        {
            throw OAuthFailure.InvalidGrant(owner.Options.JwtAudienceErrorDescription);
        }

        var now = owner.UtcNow;
        var leeway = owner.Options.AssertionClockLeeway;
        if (!TryGetSeconds(claims, "exp", out var exp) || exp <= (now - leeway).ToUnixTimeSeconds())
        {
            throw OAuthFailure.InvalidGrant("expired authorization code");
        }

        if (owner.Options.StrictAssertionExpiry && exp > (now + StrictMaximumLifetime + leeway).ToUnixTimeSeconds())
        {
            throw invalid;
        }

        // prn is the legacy name of sub and wins when both are present (Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm).
        var username = GetString(claims, "prn") ?? GetString(claims, "sub");
        var user = owner.FindUser(username);
        if (user is null || !OAuthEndpoints.Reaches(listener, user))
        {
            throw invalid;
        }

        if (!user.IsActive)
        {
            throw OAuthFailure.InvalidGrant("inactive user");
        }

        return (app, user, audience);
    }

    private static string? GetString(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>exp</c> as a JSON number or a numeric string (the old official sample used a string, Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5).</summary>
    private static bool TryGetSeconds(JsonElement claims, string name, out double seconds)
    {
        seconds = 0;
        if (!claims.TryGetProperty(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out seconds),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds),
            _ => false,
        };
    }
}
