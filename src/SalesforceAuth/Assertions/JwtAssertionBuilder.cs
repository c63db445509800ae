using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SalesforceAuth.Assertions;

/// <summary>
/// Builds the compact JWS of the JWT bearer flow (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5): header <c>{"alg":"RS256"}</c>, claims
/// <c>iss</c>, <c>sub</c>, <c>aud</c> (one string), <c>exp</c> and <c>iat</c> as integer UTC epoch seconds and an
/// optional random <c>jti</c>, unpadded base64url. Written with <see cref="Utf8JsonWriter"/> into a pooled buffer and
/// signed in place, so the only sizeable allocation is the returned string (benchmark target: 1.05x a bare RSA
/// signature, under 4 KB).
/// </summary>
internal static class JwtAssertionBuilder
{
    // base64url({"alg":"RS256"}): the exact header of Salesforce's documentation; "typ" is optional (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5).
    private static ReadOnlySpan<byte> EncodedHeader => "eyJhbGciOiJSUzI1NiJ9"u8;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The claims are plain strings; relaxed escaping keeps "+" in usernames readable and the token short.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Builds and signs the assertion.</summary>
    /// <param name="key">The signing key.</param>
    /// <param name="p">The claims; times already skew-compensated.</param>
    /// <param name="includeJwtId">Whether to add a random <c>jti</c>.</param>
    /// <returns>The compact JWS. A credential: never log it.</returns>
    public static string Build(SalesforceSigningKey key, AssertionParameters p, bool includeJwtId = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(p);

        var json = new ArrayBufferWriter<byte>(512);
        using var writer = new Utf8JsonWriter(json, WriterOptions);

        writer.WriteStartObject();
        writer.WriteString("iss"u8, p.Issuer);
        writer.WriteString("sub"u8, p.Subject);
        writer.WriteString("aud"u8, p.Audience);
        writer.WriteNumber("exp"u8, p.ExpiresAt.ToUnixTimeSeconds());
        writer.WriteNumber("iat"u8, p.IssuedAt.ToUnixTimeSeconds());
        if (includeJwtId)
        {
            Span<byte> random = stackalloc byte[16];
            RandomNumberGenerator.Fill(random);
            Span<byte> jti = stackalloc byte[24];
            var jtiLength = EncodeBase64Url(random, jti);
            writer.WriteString("jti"u8, jti[..jtiLength]);
        }

        writer.WriteEndObject();
        writer.Flush();
        var claims = json.WrittenSpan;

        var signatureSize = Math.Max(key.KeySize / 8, 256);
        var inputLength = EncodedHeader.Length + 1 + Base64UrlLength(claims.Length);
        var totalLength = inputLength + 1 + Base64UrlLength(signatureSize);
        var rented = ArrayPool<byte>.Shared.Rent(totalLength + 4 + signatureSize);
        try
        {
            var output = rented.AsSpan();
            EncodedHeader.CopyTo(output);
            var position = EncodedHeader.Length;
            output[position++] = (byte)'.';
            position += EncodeBase64Url(claims, output.Slice(position, PaddedLength(claims.Length)));
            var signingInput = output[..position];

            // The signature goes at the end of the rented array first, then is encoded after the signing input.
            var signature = output.Slice(output.Length - signatureSize, signatureSize);
            if (!key.TrySign(signingInput, signature, out var signatureLength))
            {
                // A caller-supplied signer (HSM, KMS, Key Vault) only has the array API.
                var signed = key.Sign(signingInput.ToArray());
                signed.CopyTo(signature);
                signatureLength = signed.Length;
            }

            output[position++] = (byte)'.';
            position += EncodeBase64Url(signature[..signatureLength], output.Slice(position, PaddedLength(signatureLength)));
            return Encoding.ASCII.GetString(output[..position]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>The unpadded base64url length of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The input length.</param>
    /// <returns>The encoded length.</returns>
    internal static int Base64UrlLength(int length) => ((length * 4) + 2) / 3;

    private static int PaddedLength(int length) => (length + 2) / 3 * 4;

    /// <summary>Encodes unpadded base64url into <paramref name="destination"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <param name="destination">The buffer (at least the padded base64 length).</param>
    /// <returns>The bytes written.</returns>
    internal static int EncodeBase64Url(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var status = Base64.EncodeToUtf8(source, destination, out _, out var written);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException("The base64url buffer is too small.");
        }

        while (written > 0 && destination[written - 1] == (byte)'=')
        {
            written--;
        }

        for (var i = 0; i < written; i++)
        {
            var c = destination[i];
            if (c == (byte)'+')
            {
                destination[i] = (byte)'-';
            }
            else if (c == (byte)'/')
            {
                destination[i] = (byte)'_';
            }
        }

        return written;
    }
}
