using System.Net;
using System.Text;
using CsCheck;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

/// <summary>Whatever comes back from the network, only the library's own exceptions come out, with bounded excerpts.</summary>
public sealed class ErrorMapperPropertyTests
{
    private const long Iterations = 10_000;

    private static readonly string[] ValidBodies =
    [
        """{"error":"invalid_grant","error_description":"expired authorization code"}""",
        """{"error_uri":"https://acme.my.salesforce.com/setup/secur/SAMLValidationPage.apexp","error":"invalid_grant","error_description":"invalid assertion"}""",
        """{"error":"invalid_client","error_description":"invalid client credentials"}""",
        """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""",
        """[{"message":"INVALID_SCOPES","errorCode":"INVALID_AUTH_HEADER","fields":["a","b"]}]""",
        """{"access_token":"00D5g00000XXXXX!AQ0secret","instance_url":"https://acme.my.salesforce.com"}""",
        "Bad_OAuth_Token",
    ];

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Const("null"),
        Gen.Const("true"),
        Gen.Const("[]"),
        Gen.Const("{}"),
        Gen.Const("[\"x\",1,{}]"),
        Gen.String.Select(s => System.Text.Json.JsonSerializer.Serialize(s)));

    private static readonly Gen<string> Bodies = Gen.Frequency(
        (3, Gen.Byte.Array[0, 400].Select(b => Encoding.UTF8.GetString(b))),
        (3, Gen.Select(Gen.OneOf(ValidBodies), Gen.Int[0, 200], Gen.Char, Gen.Int[0, 3], Mutate)),
        (2, Gen.String.Select(s => $"<html><head><title>Maintenance</title></head><body>{s}</body></html>")),
        (3, Gen.Select(JsonValue, JsonValue, JsonValue, (e, d, u) => $"{{\"error\":{e},\"error_description\":{d},\"error_uri\":{u}}}")),
        (2, Gen.Select(JsonValue, JsonValue, (c, m) => $"[{{\"errorCode\":{c},\"message\":{m},\"fields\":{m}}}]")),
        (2, Gen.Select(Gen.Int[1, 1000], Gen.Bool, (depth, array) => array ? new string('[', depth) + new string(']', depth / 2) : string.Concat(Enumerable.Repeat("{\"a\":", depth)))),
        (1, Gen.Int[60_000, 80_000].Select(n => $"{{\"error\":\"invalid_grant\",\"error_description\":\"{new string('x', n)}\"}}")),
        (1, Gen.Int[300, 5_000].Select(n => new string('A', n))),
        (1, Gen.Const(string.Empty)),
        (1, Gen.String));

    private static readonly Gen<HttpStatusCode?> Statuses = Gen.Frequency(
        (6, Gen.OneOf(Gen.Const(400), Gen.Const(401), Gen.Const(403), Gen.Const(429), Gen.Const(500), Gen.Const(503)).Select(s => (HttpStatusCode?)s)),
        (3, Gen.Int[100, 599].Select(s => (HttpStatusCode?)s)),
        (1, Gen.Const((HttpStatusCode?)null)));

    private static readonly Gen<string?> MediaTypes = Gen.OneOf<string?>(
        "application/json", "application/json;charset=UTF-8", "text/html", "text/plain", "application/xml", null, "", "json/garbage");

    private static readonly Gen<SalesforceFlow> Flows = Gen.Int[0, 4].Select(i => (SalesforceFlow)i);

    [Fact]
    public void MapTokenError_AnyBodyStatusAndMediaType_ReturnsLibraryExceptionWithCappedExcerpt()
    {
        Gen.Select(Bodies, Statuses, MediaTypes, Flows).Sample((body, status, mediaType, flow) =>
        {
            var context = new TokenErrorContext
            {
                Flow = flow,
                Endpoint = new Uri("https://login.salesforce.com/services/oauth2/token"),
                StatusCode = status,
                MediaType = mediaType,
                Body = body,
                LocalTime = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
                ServerTime = new DateTimeOffset(2026, 11, 23, 12, 3, 0, TimeSpan.Zero),
            };

            var exception = SalesforceErrorMapper.MapTokenError(context);

            Assert.IsAssignableFrom<SalesforceAuthenticationException>(exception);
            Assert.Equal(ErrorCatalog.ExceptionTypeFor(exception.Reason), exception.GetType());
            if (exception.Diagnosis.Facts.TryGetValue("response excerpt", out var excerpt))
            {
                Assert.True(excerpt.Length <= ResponseSanitizer.MaxExcerptLength, $"Excerpt of {excerpt.Length} characters.");
            }

            Assert.True(exception.Message.Length <= 1_000, $"Message of {exception.Message.Length} characters.");
            _ = exception.ToString();
        }, iter: Iterations);
    }

    [Fact]
    public void RestClassifierAndMapper_AnyBodyStatusAndMediaType_NeverThrowAndStayBounded()
    {
        Gen.Select(Bodies, Statuses, MediaTypes).Sample((body, status, mediaType) =>
        {
            var code = status ?? HttpStatusCode.Unauthorized;
            var bytes = Encoding.UTF8.GetBytes(body);

            var renewal = RestErrorClassifier.Classify(code, mediaType, bytes);
            Assert.True(Enum.IsDefined(renewal));
            Assert.Equal(renewal, RestErrorClassifier.Classify(code, mediaType, body));

            var exception = SalesforceErrorMapper.MapRestError(code, mediaType, bytes, new Uri("https://acme.my.salesforce.com/services/data"), null, null);
            Assert.True(exception is SalesforceAuthenticationException or SalesforceApiException, exception.GetType().Name);
            Assert.True(exception.Message.Length <= 1_000, $"Message of {exception.Message.Length} characters.");
            if (exception is SalesforceAuthenticationException auth && auth.Diagnosis.Facts.TryGetValue("response excerpt", out var excerpt))
            {
                Assert.True(excerpt.Length <= ResponseSanitizer.MaxExcerptLength);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Excerpt_AnyText_IsCappedPrintableAndFreeOfPlantedSecrets()
    {
        var planted = Gen.Select(Gen.String, Gen.OneOf(TestSecrets.All), Gen.String, Gen.OneOf("access_token", "refresh_token", "signature", "client_secret", "assertion", "id_token", "subject_token"),
            (before, secret, after, key) => Gen.OneOf(
                Gen.Const($"{before}{secret}{after}"),
                Gen.Const($"{{\"{key}\":\"{secret}\",\"x\":\"{after}\"}}"),
                Gen.Const($"{before}&{key}={Uri.EscapeDataString(secret)}&{after}")))
            .SelectMany(g => g);

        planted.Sample(text =>
        {
            var excerpt = ResponseSanitizer.Excerpt(text);
            Assert.True(excerpt.Length <= ResponseSanitizer.MaxExcerptLength);
            Assert.DoesNotContain(excerpt, c => char.IsControl(c));
            Assert.DoesNotContain(TestSecrets.Marker, excerpt, StringComparison.OrdinalIgnoreCase);
        }, iter: 3_000);
    }

    private static string Mutate(string body, int position, char replacement, int operation)
    {
        var at = Math.Min(position, body.Length);
        return operation switch
        {
            0 => body[..at],
            1 => body[..at] + replacement + body[Math.Min(at + 1, body.Length)..],
            2 => body.Insert(at, replacement.ToString()),
            _ => body.Remove(at, Math.Min(1, body.Length - at)),
        };
    }
}
