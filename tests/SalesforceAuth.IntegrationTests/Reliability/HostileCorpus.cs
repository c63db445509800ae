using System.Globalization;
using System.Text;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Seeded generators of hostile inputs: URLs meant to smuggle a token off Salesforce (user info, look-alike suffixes,
/// IDNs, IP literals, trailing dots, ports, percent-encoding, very long names), token endpoint and REST bodies built
/// from real shapes and then mutated (types swapped, duplicated keys, truncation, byte flips, deep nesting, huge
/// values), and the headers Date, Retry-After and Location.
/// </summary>
internal sealed class HostileCorpus(Random random)
{
    public static readonly string[] TrustedSuffixes = ["salesforce.com", "force.com", "site.com", "cloudforce.com", "database.com", "salesforce-sites.com", "visualforce.com", "salesforce.mil", "sfcrmproducts.cn"];

    private static readonly string[] Hosts =
    [
        "na1.salesforce.com", "acme.my.salesforce.com", "salesforce.com", "acme.lightning.force.com", "acme.my.site.com",
        "evil.example", "salesforce.com.evil.example", "evilsalesforce.com", "na1.salesforce.com.", "na1.salesforce.com..",
        "NA1.SALESFORCE.COM", "xn--salesfrce-q7a.com", "salesf\u03BFrce.com", "s\u0430lesforce.com", "na1.salesforce\u3002com",
        "na1.salesforce%2Ecom", "na1%2esalesforce.com", "127.0.0.1", "[::1]", "10.0.0.1", "0x7f.1", "2130706433", "localhost", "localhost.",
        "[::ffff:127.0.0.1]", "na1.force.com", "site.com", "x.site.com.evil", "*.salesforce.com", "salesforce.com\\@evil.example",
        "evil.example\\.salesforce.com", "evil.example#.salesforce.com", "evil.example?.salesforce.com", "evil.example/.salesforce.com",
        "evil.example%23.salesforce.com", "evil.example%2f.salesforce.com", "evil.example%40na1.salesforce.com", "b\u00FCcher.salesforce.com",
        "xn--bcher-kva.salesforce.com", "na1.salesforce.com\u0000.evil.example", "na1.salesforce.com%00.evil.example", "na1 .salesforce.com",
        "-.salesforce.com", "a..salesforce.com", ".salesforce.com", "salesforce.com.", "com", "", "\u2024salesforce.com", "na1\uFF0Esalesforce\uFF0Ecom",
        "EVIL.EXAMPLE", "evil.example:443@na1.salesforce.com", "na1.salesforce.com:443@evil.example", "salesforce.mil", "x.sfcrmproducts.cn",
        "sfcrmproducts.cn.evil.example", "salesforce.com-evil.example", "evil.example.", "[fe80::1%25eth0]", "[::]", "0.0.0.0", "169.254.169.254",
        "metadata.google.internal", "na1.salesforce.com\t", "na1.salesforce.com\r\nHost: evil.example",
    ];

    private static readonly string[] Schemes = ["https://", "http://", "HTTPS://", "HtTpS://", "ftp://", "javascript:", "//", "", "https:/", "https:", "https:\\\\", "wss://", "file://"];

    private static readonly string[] UserInfos = ["", "", "", "", "evil.example@", "user:pass@", "na1.salesforce.com@", "%40@", "@", "a@b@", "evil.example%40"];

    private static readonly string[] Ports = ["", "", "", ":443", ":8443", ":0", ":99999", ":-1", ":", ":65535", ":1e3", ": 443"];

    private static readonly string[] Paths = ["", "/", "/services/data", "/%2e%2e/", "?x=1", "#frag", "/@evil.example", "//evil.example/x", "/\\evil.example", "/..;/", "/services/data/v62.0/sobjects?q=%00"];

    private static readonly string[] OAuthErrors = ["invalid_grant", "invalid_client_id", "invalid_client", "invalid_client_credentials", "unsupported_grant_type", "invalid_request", "invalid_scope", "inactive_user", "inactive_org", "rate_limit_exceeded", "invalid_app_access", "app_not_found", "invalid_token", "INVALID_GRANT", "", "x"];

    private static readonly string[] Descriptions =
    [
        "user hasn't approved this consumer", "expired authorization code", "expired access/refresh token", "authentication failure", "invalid assertion",
        "audience is invalid", "Audience validation failed", "IP restricted or invalid login hours", "ip restricted", "inactive user",
        "request not supported on this domain", "no client credentials user enabled", "token request is already being processed", "client identifier invalid",
        "invalid client credentials", "user is not admin approved to access this app", "External client app is not installed in this org",
        "grant type not supported", "HTTPS required", "must use HTTP POST", "number of logins exceeded", "", "\u0000", "EXPIRED AUTHORIZATION CODE ",
    ];

    private static readonly string[] RestCodes = ["INVALID_SESSION_ID", "INVALID_AUTH_HEADER", "REQUEST_LIMIT_EXCEEDED", "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "NOT_FOUND", "", "invalid_session_id"];

    private static readonly string[] RestMessages =
    [
        "Session expired or invalid", "This session is not valid for use with the REST API", "INVALID_HEADER_TYPE", "INVALID_JWT_FORMAT", "INVALID_SCOPES",
        "TotalRequests Limit exceeded.", "ConcurrentPerOrgLongTxn Limit exceeded.", "The REST API is not enabled for this Organization.", "", "x",
    ];

    private static readonly string[] MediaTypes =
    [
        "application/json", "application/json;charset=UTF-8", "application/json; charset=utf-16", "text/html;charset=UTF-8", "text/plain", "",
        "application/problem+json", "application/xml", "text/xml", "json", "application/jsonp", "multipart/form-data; boundary=x", "*/*",
    ];

    /// <summary>The credentials placed in the last <see cref="TokenBody"/>: their JSON member name, value as sent, and
    /// random (secret) part.</summary>
    public List<(string Key, string Full, string Secret)> LastSecrets { get; } = [];

    public bool Chance(double p) => random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public int Next(int max) => random.Next(max);

    /// <summary>A URL string meant to be hostile (sometimes a perfectly good Salesforce URL).</summary>
    public string Url()
    {
        var host = Chance(0.01) ? new string('a', Chance(0.05) ? random.Next(60, 70_000) : random.Next(60, 2_000)) + "." + Pick(TrustedSuffixes) : Pick(Hosts);
        if (Chance(0.15))
        {
            host = Pick(["a", "na1", "x-y", "\u00E9", "%41", "a.b"]) + "." + Pick(TrustedSuffixes) + (Chance(0.3) ? "." + Pick(["evil.example", "com", "", "."]) : "");
        }

        var url = Pick(Schemes) + Pick(UserInfos) + host + Pick(Ports) + Pick(Paths);
        return Chance(0.3) ? Mutate(url) : url;
    }

    /// <summary>A token endpoint body: a success, an OAuth error, an HTML page, or anything else, often mutated.</summary>
    public string TokenBody(string instanceUrl, out bool shapedLikeSuccess)
    {
        shapedLikeSuccess = false;
        LastSecrets.Clear();
        switch (random.Next(10))
        {
            case < 5:
                shapedLikeSuccess = true;
                var fields = new List<string>
                {
                    Field("access_token", "\"" + Secret("access_token", "00D5g000004Xyz1!AR8AQ", 80, TokenAlphabet, "") + "\""),
                    Field("instance_url", Json(instanceUrl)),
                    Field("id", Json("https://login.salesforce.com/id/00D5g000004Xyz1EAC/0055g00000AbCdEAAZ")),
                    Field("token_type", "\"Bearer\""),
                    Field("issued_at", Pick(["\"1700000000000\"", "1700000000000", "\"-1\"", "\"99999999999999999999\"", "null", "\"abc\"", "\"\""])),
                    Field("signature", Json(Secret("signature", "", 43, Base64Alphabet, "="))),
                };
                if (Chance(0.3))
                {
                    fields.Add(Field("api_instance_url", Json(Url())));
                }

                if (Chance(0.2))
                {
                    fields.Add(Field("sfdc_community_url", Json(Url())));
                }

                if (Chance(0.2))
                {
                    fields.Add(Field("instance_url", Json(Url())));
                }

                if (Chance(0.1))
                {
                    fields.Add(Field("refresh_token", Json(Secret("refresh_token", "5Aep861", 80, TokenAlphabet, ""))));
                }

                Shuffle(fields);
                var body = "{" + string.Join(",", fields) + "}";
                return Chance(0.35) ? Mutate(body) : body;
            case < 8:
                var error = "{\"error\":" + Json(Pick(OAuthErrors)) + ",\"error_description\":" + Json(Pick(Descriptions)) + "}";
                return Chance(0.4) ? Mutate(error) : error;
            case 8:
                return Pick(["<!DOCTYPE html><html><body>Down For Maintenance</body></html>", "", " ", "null", "[]", "{}", "\uFEFF{\"error\":\"invalid_grant\"}", "Bad_OAuth_Token", "\"string\"", "1e309"]);
            default:
                return Chance(0.1)
                    ? Pick([Nested(random.Next(10, 5_000)), new string('{', random.Next(1, 3_000)), "{\"error\":\"" + new string('x', random.Next(1, 200_000)) + "\"}"])
                    : RandomText(random.Next(0, 300));
        }
    }

    /// <summary>A well-formed success body whose instance_url is a real-looking Salesforce URL or a hostile one.</summary>
    public string CleanSuccess()
    {
        LastSecrets.Clear();
        var instance = Chance(0.5) ? Pick(["https://na1.salesforce.com", "https://acme.my.salesforce.com", "https://acme--dev.sandbox.my.salesforce.com/", "https://na1.salesforce.com:443"]) : Url();
        return "{\"access_token\":\"" + Secret("access_token", "00D5g000004Xyz1!AR8AQ", 80, TokenAlphabet, "") + "\",\"instance_url\":" + System.Text.Json.JsonSerializer.Serialize(instance)
            + (Chance(0.3) ? ",\"api_instance_url\":" + System.Text.Json.JsonSerializer.Serialize(Chance(0.5) ? "https://api.salesforce.com" : Url()) : "")
            + ",\"id\":\"https://login.salesforce.com/id/00D5g000004Xyz1EAC/0055g00000AbCdEAAZ\",\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\"}";
    }

    /// <summary>A REST API error body (JSON array, XML, plain text), often mutated.</summary>
    public string RestBody()
    {
        switch (random.Next(6))
        {
            case < 3:
                var errors = Enumerable.Range(0, random.Next(0, 4)).Select(_ => "{\"message\":" + Json(Pick(RestMessages)) + ",\"errorCode\":" + Json(Pick(RestCodes)) + (Chance(0.2) ? ",\"fields\":[\"Name\"]" : "") + "}");
                var json = "[" + string.Join(",", errors) + "]";
                return Chance(0.4) ? Mutate(json) : json;
            case 3:
                var xml = $"<Errors><Error><errorCode>{Pick(RestCodes)}</errorCode><message>{Pick(RestMessages)}</message></Error></Errors>";
                return Chance(0.4) ? Mutate(xml) : xml;
            case 4:
                return Pick(["Bad_OAuth_Token", " Bad_OAuth_Token\n", "", "null", "{}", "[null]", "[1,2,3]", "[[]]", "{\"errorCode\":\"INVALID_SESSION_ID\"}", "<!DOCTYPE html>"]);
            default:
                return Pick([Nested(random.Next(10, 5_000)), "[" + string.Join(",", Enumerable.Repeat("{\"errorCode\":\"X\",\"message\":\"y\"}", random.Next(1, 5_000))) + "]", RandomText(random.Next(0, 300))]);
        }
    }

    public string MediaType() => Pick(MediaTypes);

    public int TokenStatus() => Pick([200, 200, 200, 200, 201, 204, 301, 302, 303, 307, 308, 400, 400, 400, 401, 403, 404, 429, 500, 502, 503, 504, 100, 299, 399, 599, 999]);

    public int RestStatus() => Pick([401, 401, 401, 403, 403, 400, 404, 410, 429, 500, 503, 200]);

    public string? DateHeader() => random.Next(8) switch
    {
        0 => null,
        1 => "Mon, 01 Jan 0001 00:00:00 GMT",
        2 => "Fri, 31 Dec 9999 23:59:59 GMT",
        3 => DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(-62135596800, 253402300799)).ToString("r", CultureInfo.InvariantCulture),
        4 => Pick(["garbage", "", "0", "Thu, 01 Jan 1970 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT"]),
        _ => DateTimeOffset.UtcNow.AddSeconds(random.Next(-86_400, 86_400)).ToString("r", CultureInfo.InvariantCulture),
    };

    public string? RetryAfterHeader() => random.Next(6) switch
    {
        0 or 1 => null,
        2 => Pick(["-1", "0", "1", "99999999999", "9223372036854775807", "1e9", "1.5", "", " 5", "abc"]),
        3 => "Fri, 31 Dec 9999 23:59:59 GMT",
        4 => "Mon, 01 Jan 0001 00:00:00 GMT",
        _ => random.Next(0, 100_000).ToString(CultureInfo.InvariantCulture),
    };

    public string Mutate(string text)
    {
        var builder = new StringBuilder(text);
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(9))
            {
                case 0:
                    builder.Remove(at, Math.Min(builder.Length - at, random.Next(1, 8)));
                    break;
                case 1:
                    builder.Insert(at, Pick(["\"", "\\", "{", "}", "[", "]", ",", ":", "\u0000", "\uD800", "\uFEFF", "%", "@", ".", "/", " ", "\r\n", "null", "\\u0000", "\\ud800"]));
                    break;
                case 2:
                    builder[at] = (char)random.Next(0, 0x3000);
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4:
                    builder.Insert(at, builder.ToString(at, Math.Min(builder.Length - at, random.Next(1, 40))));
                    break;
                case 5:
                    builder[at] = char.IsUpper(builder[at]) ? char.ToLowerInvariant(builder[at]) : char.ToUpperInvariant(builder[at]);
                    break;
                case 6:
                    builder.Insert(at, "%" + ((int)builder[at] & 0xFF).ToString("X2", CultureInfo.InvariantCulture));
                    break;
                case 7:
                    builder.Insert(0, "\uFEFF");
                    break;
                default:
                    builder.Append(Pick(["}", "]", ",", "\"", "x"]));
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Field(string name, string value) => "\"" + name + "\":" + value;

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private string Json(string value) => random.Next(12) switch
    {
        0 => "null",
        1 => random.Next(-5, 5).ToString(CultureInfo.InvariantCulture),
        2 => "[" + System.Text.Json.JsonSerializer.Serialize(value) + "]",
        3 => "{\"v\":" + System.Text.Json.JsonSerializer.Serialize(value) + "}",
        4 => "true",
        _ => System.Text.Json.JsonSerializer.Serialize(value),
    };

    // Salesforce session ids and refresh tokens use letters, digits, '.' and '_'; signatures are standard base64.
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private string Secret(string key, string prefix, int length, string alphabet, string suffix)
    {
        var secret = string.Create(length, (random, alphabet), (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });
        LastSecrets.Add((key, prefix + secret + suffix, secret));
        return prefix + secret + suffix;
    }

    private string RandomText(int length) => string.Create(length, random, (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)r.Next(0, 0x800);
        }
    });

    private void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
