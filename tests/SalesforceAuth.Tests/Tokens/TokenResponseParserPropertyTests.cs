using CsCheck;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tests.Tokens;

public sealed class TokenResponseParserPropertyTests
{
    [Fact]
    public void TryParseSuccess_AnyText_NeverThrows() =>
        Gen.String.Sample(body =>
        {
            var parsed = TokenResponseParser.TryParseSuccess(body, out var response, out var problem);
            return parsed ? response is not null : problem is not null;
        });

    [Fact]
    public void TryParseSuccess_AnyJsonValueInKnownFields_NeverThrows()
    {
        var value = Gen.OneOf(
            Gen.Const("null"),
            Gen.Const("true"),
            Gen.Const("[]"),
            Gen.Const("{}"),
            Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
            Gen.String.Select(s => System.Text.Json.JsonSerializer.Serialize(s)));
        var field = Gen.Int[0, 6].Select(i => new[] { "access_token", "instance_url", "issued_at", "signature", "id", "scope", "other" }[i]);
        Gen.Select(field, value).Array[0, 6].Sample(pairs =>
        {
            var body = "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}";
            TokenResponseParser.TryParseSuccess(body, out _, out _);
            SalesforceAuth.Errors.OAuthErrorBody.Read(body, "application/json");
        });
    }

    [Fact]
    public void EncodeBase64Url_MatchesConvertWithoutPadding() =>
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            var destination = new byte[((bytes.Length + 2) / 3 * 4) + 4];
            var written = JwtAssertionBuilder.EncodeBase64Url(bytes, destination);
            var expected = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return written == JwtAssertionBuilder.Base64UrlLength(bytes.Length)
                && System.Text.Encoding.ASCII.GetString(destination, 0, written) == expected;
        });
}
