using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>Splits and checks a compact JWS independently of the library's builder.</summary>
internal static class Jws
{
    public static byte[] DecodeSegment(string segment)
    {
        Assert.DoesNotContain('=', segment);
        Assert.DoesNotContain('+', segment);
        Assert.DoesNotContain('/', segment);
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        return Convert.FromBase64String(base64);
    }

    public static JsonElement Header(string jwt) => JsonDocument.Parse(DecodeSegment(jwt.Split('.')[0])).RootElement.Clone();

    public static JsonElement Claims(string jwt) => JsonDocument.Parse(DecodeSegment(jwt.Split('.')[1])).RootElement.Clone();

    public static bool Verify(string jwt, RSA publicKey)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        return publicKey.VerifyData(input, DecodeSegment(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
