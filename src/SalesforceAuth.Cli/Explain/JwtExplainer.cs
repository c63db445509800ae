using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Explain;

/// <summary>
/// Decodes a compact JWT bearer assertion and checks it the way Salesforce does ("OAuth 2.0 JWT Bearer Flow for
/// Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5),
/// adding the mistakes seen in the wild: a validity shorter than the network's latency, local time sent as UTC,
/// milliseconds instead of seconds.
/// </summary>
internal static class JwtExplainer
{
    /// <summary>The help page: "the expiration time of the assertion within 3 minutes". Older revisions said 5 minutes, and
    /// larger values have been accepted so far, so going beyond it is a warning, not an error.</summary>
    public static readonly TimeSpan DocumentedMaximumLifetime = TimeSpan.FromMinutes(3);

    /// <summary>Below this, the time between building and Salesforce checking the assertion (network, queueing, a
    /// slightly slow clock) regularly uses the validity up: Apex code with <c>setValidityLength(5)</c> fails this way.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(30);

    private const string JwtDoc = "https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5";
    private const string BuildExp = "Compute exp as UTC epoch seconds plus 2-3 minutes, when the assertion is built (for example DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 180; Apex: jwt.setValidityLength(180)).";

    /// <summary>Whether <paramref name="value"/> has the shape of a compact JWS (three base64url segments).</summary>
    public static bool LooksLikeJwt(string value) =>
        value.Count(c => c == '.') == 2 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=');

    public static ExplainResult Explain(string token, ExplainContext context)
    {
        var findings = new List<Finding>();
        var parts = token.Split('.');
        if (parts.Length != 3 || Decode(parts[0]) is not JsonObject header || Decode(parts[1]) is not JsonObject claims)
        {
            findings.Add(Finding.Error(
                FindingCodes.Malformed,
                "The value is not a compact JWT: three base64url segments (header.claims.signature) whose first two are JSON objects.",
                "Pass the assertion exactly as posted in the assertion parameter (not URL-encoded, not the whole form body)."));
            return new ExplainResult("jwt", [], findings);
        }

        var alg = header["alg"] is JsonValue a && a.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : null;
        if (alg != "RS256")
        {
            findings.Add(Finding.Error(
                FindingCodes.AlgNotRs256,
                $"The header's alg is {(alg is null ? "missing" : $"'{alg}'")}; RS256 is the only algorithm Salesforce documents for the JWT bearer flow.",
                "Sign with RSA and SHA-256 (RS256, PKCS#1 v1.5 padding) using the private key of the certificate uploaded to the app; the header is {\"alg\":\"RS256\"}."));
        }

        CheckTimes(claims, context.Now, findings);
        var audience = CheckAudience(claims["aud"], context, findings);
        IdentityChecks.Issuer(StringClaim(claims, "iss"), "iss", context, findings);

        // prn is the legacy name of sub, still accepted (and preferred by Salesforce when both are present).
        var subject = StringClaim(claims, "prn") ?? StringClaim(claims, "sub");
        IdentityChecks.Subject(subject, "sub", FindingCodes.SubMismatch, audience?.OriginalString, context, findings);
        CheckSignature(parts, alg, context, findings);

        return new ExplainResult("jwt", (JsonObject)claims.DeepClone(), Sort(findings)) { Header = (JsonObject)header.DeepClone() };
    }

    private static void CheckTimes(JsonObject claims, DateTimeOffset now, List<Finding> findings)
    {
        if (!Times.TryEpoch(claims["exp"], out var expValue))
        {
            findings.Add(Finding.Error(
                FindingCodes.ExpMissing,
                claims["exp"] is null ? "The claims have no exp." : $"exp is {claims["exp"]!.ToJsonString()}, not a number of seconds.",
                BuildExp));
            return;
        }

        var exp = Times.FromEpoch(expValue);
        var hasIat = Times.TryEpoch(claims["iat"], out var iatValue);
        var hasNbf = Times.TryEpoch(claims["nbf"], out var nbfValue);
        var milliseconds = expValue > Times.MillisecondsThreshold;
        if (milliseconds)
        {
            // Accepted so far (sfdx-core sent Date.now() + 300 for years), but far beyond the documented limit.
            findings.Add(Finding.Warn(
                FindingCodes.ExpInMilliseconds,
                string.Create(CultureInfo.InvariantCulture, $"exp is {expValue:0} which is in milliseconds ({Times.Format(exp)} read as milliseconds; read as seconds, as Salesforce does, it is tens of thousands of years ahead)."),
                "Divide by 1000: NumericDate values are seconds since 1970-01-01T00:00:00Z (RFC 7519). " + BuildExp));
        }

        // Start of validity: iat, or nbf (Apex's Auth.JWT writes nbf, not iat).
        double? startValue = hasIat ? iatValue : hasNbf ? nbfValue : null;
        var startName = hasIat ? "iat" : "nbf";
        DateTimeOffset? start = startValue is { } s ? Times.FromEpoch(s) : null;

        // The builder's "now" (iat or nbf, else exp less a few minutes of validity) should be close to the real now; a
        // whole number of hours away is a time-zone offset: local time sent as UTC (simple-salesforce issue #491).
        var localTime = false;
        if (!milliseconds)
        {
            var (name, value, hours) = start is { } st
                ? (startName, st, Times.WholeHours(st - now, TimeSpan.FromMinutes(2)))
                : ("exp", exp, Times.WholeHours(exp - now, TimeSpan.FromMinutes(5)));
            if (hours != 0)
            {
                localTime = true;
                var detail = string.Create(CultureInfo.InvariantCulture, $"{name} {Times.Format(value)} is {Math.Abs(hours)} h {(hours > 0 ? "ahead of" : "behind")} now ({Times.Format(now)}): local time was sent as if it were UTC (the clock of a UTC{(hours > 0 ? "-" : "+")}{Math.Abs(hours)} host).");
                const string Remedy = "Take epoch seconds from a UTC clock (DateTimeOffset.UtcNow.ToUnixTimeSeconds(); Python: int(time.time()), not time.mktime(datetime.utcnow().timetuple())).";

                // Behind: exp is hours in the past and Salesforce refuses it. Ahead: accepted, but far beyond the limit.
                findings.Add(hours < 0 ? Finding.Error(FindingCodes.LocalTimeAsUtc, detail, Remedy) : Finding.Warn(FindingCodes.LocalTimeAsUtc, detail, Remedy));
            }
        }

        if (exp <= now)
        {
            findings.Add(Finding.Error(
                FindingCodes.ExpInPast,
                $"exp {Times.Format(exp)} is {Times.Relative(exp, now)} (now {Times.Format(now)}); Salesforce answers invalid_grant / expired authorization code.",
                "Build a fresh assertion for each token request, and check this machine's clock (NTP). " + BuildExp));
        }
        else if (!milliseconds && !localTime && exp - now > DocumentedMaximumLifetime)
        {
            findings.Add(Finding.Warn(
                FindingCodes.ExpTooFar,
                $"exp {Times.Format(exp)} is {Times.Relative(exp, now)}; Salesforce's JWT bearer flow documentation asks for an expiry within {DocumentedMaximumLifetime.TotalMinutes:0} minutes ({JwtDoc}). Longer values are accepted today, but RFC 7523 lets Salesforce start refusing them.",
                BuildExp));
        }

        if (hasIat && !localTime && Times.FromEpoch(iatValue) > now)
        {
            findings.Add(Finding.Warn(
                FindingCodes.IatInFuture,
                $"iat {Times.Format(Times.FromEpoch(iatValue))} is {Times.Relative(Times.FromEpoch(iatValue), now)}: the clock that built the assertion is ahead of this one.",
                "Synchronise the clocks with NTP; set iat to the time the assertion is built."));
        }

        if (start is { } begin && !milliseconds && startValue <= expValue && exp - begin < MinimumLifetime)
        {
            findings.Add(Finding.Error(
                FindingCodes.LifetimeTooShort,
                string.Create(CultureInfo.InvariantCulture, $"exp − {startName} is {(exp - begin).TotalSeconds:0} s; under {MinimumLifetime.TotalSeconds:0} s, latency and a few seconds of clock difference make Salesforce see it expired (invalid_grant / expired authorization code)."),
                "Give the assertion 2-3 minutes of validity (Apex: Auth.JWT.setValidityLength(180), not 5)."));
        }
    }

    /// <summary>Checks <c>aud</c>; returns it as a URL when it is one (for the sandbox-user check without --login-url).</summary>
    private static Uri? CheckAudience(JsonNode? node, ExplainContext context, List<Finding> findings)
    {
        const string NotUrlRemedy = "Set aud to one string: https://login.salesforce.com (production), https://test.salesforce.com (sandbox), the Experience Cloud site URL, or the My Domain URL.";
        var aud = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (aud is null)
        {
            findings.Add(Finding.Error(
                FindingCodes.AudNotUrl,
                node is null ? "The claims have no aud." : $"aud is {node.ToJsonString()}, not one string (Salesforce refuses arrays: invalid_grant / audience is invalid).",
                NotUrlRemedy));
            return null;
        }

        if (!Uri.TryCreate(aud, UriKind.Absolute, out var audUrl) || audUrl.Scheme != Uri.UriSchemeHttps || audUrl.Query.Length > 0)
        {
            findings.Add(Finding.Error(
                FindingCodes.AudNotUrl,
                $"aud '{aud}' is not an https URL (a bare host name is refused: invalid_grant / audience is invalid).",
                NotUrlRemedy));
            return null;
        }

        if (context.LoginUrl is { } login)
        {
            var expectedAudience = ExplainRules.ExpectedAudience(login, context.Audience);
            var (expected, rule) = (expectedAudience.Value, expectedAudience.Rule);
            var accepted = string.Equals(aud, expected, StringComparison.OrdinalIgnoreCase)

                // The org's own My Domain URL is accepted as well when posting there (Salesforce's datacloud-jdbc driver
                // and sfdx-core use it).
                || (context.Audience is null && ExplainRules.AcceptsMyDomainAudience(login) && string.Equals(aud.TrimEnd('/'), login.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));
            if (!accepted)
            {
                findings.Add(Finding.Error(
                    FindingCodes.AudMismatch,
                    $"aud is '{aud}' but {login.GetLeftPart(UriPartial.Authority)} needs '{expected}' ({rule}).",
                    $"Set aud to {expected}."));
            }
        }

        return audUrl;
    }

    private static void CheckSignature(string[] parts, string? alg, ExplainContext context, List<Finding> findings)
    {
        if (context.Certificate is not { } certificate)
        {
            findings.Add(Finding.Info(FindingCodes.SignatureNotChecked, "The signature was not checked.", "Pass --certificate with the certificate uploaded to the app to check it."));
            return;
        }

        using var key = certificate.GetRSAPublicKey();
        var name = CertificateName(certificate);
        if (key is null)
        {
            findings.Add(Finding.Error(FindingCodes.CertificateMismatch, $"The certificate {name} has no RSA public key; Salesforce verifies RS256 with an RSA certificate.", "Upload an RSA (2048 bits or more) certificate to the app and sign with its private key."));
            return;
        }

        var signature = DecodeBytes(parts[2]);
        if (alg != "RS256" || signature is null || signature.Length != key.KeySize / 8)
        {
            findings.Add(Finding.Error(
                FindingCodes.SignatureInvalid,
                signature is null || signature.Length == 0
                    ? "The signature segment is empty or not base64url."
                    : string.Create(CultureInfo.InvariantCulture, $"The signature is {signature.Length} bytes, but an RS256 signature by the {key.KeySize}-bit key of {name} is {key.KeySize / 8}: it was not made by this key with RS256."),
                "Sign header.claims (the ASCII of the first two segments) with RS256 using the private key that belongs to the uploaded certificate."));
            return;
        }

        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!key.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            findings.Add(Finding.Error(
                FindingCodes.CertificateMismatch,
                $"The signature does not verify with {name}: the assertion was signed with another key (or changed after signing). Salesforce answers invalid_grant / invalid assertion.",
                "Sign with the private key that matches the certificate uploaded to the app, or upload the certificate of the key you sign with (Setup → App Manager → <your app> → Edit → Use digital signatures)."));
        }
    }

    public static string CertificateName(X509Certificate2 certificate) =>
        $"the certificate '{certificate.Subject}' (SHA-1 thumbprint {certificate.Thumbprint})";

    private static List<Finding> Sort(List<Finding> findings) => [.. findings.OrderByDescending(f => f.Severity)];

    private static string? StringClaim(JsonObject claims, string name) =>
        claims[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode? Decode(string segment)
    {
        var bytes = DecodeBytes(segment);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[]? DecodeBytes(string segment)
    {
        var base64 = segment.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
