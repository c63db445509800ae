using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// Reads token endpoint bodies tolerantly (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5): every field but <c>access_token</c> is optional, unknown
/// fields are ignored, <c>issued_at</c> may be a string or a number. Malformed input never throws: it yields a
/// problem text (which never quotes the body) for an <see cref="SalesforceReason.UnexpectedResponse"/> error.
/// </summary>
internal static class TokenResponseParser
{
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>Parses a success body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="response">The fields, when parsed.</param>
    /// <param name="problem">Why it could not be parsed (safe to show), when not.</param>
    /// <returns><see langword="true"/> when parsed.</returns>
    public static bool TryParseSuccess(string? body, out TokenResponse? response, out string? problem)
    {
        response = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            problem = "the response body is empty";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"the response is a JSON {root.ValueKind}, not an object";
                return false;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            string? issuedAtRaw = null;
            DateTimeOffset? issuedAt = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "access_token" or "instance_url" or "id" or "token_type" or "scope" or "signature"
                        or "api_instance_url" or "sfdc_community_url" or "sfdc_community_id" or "refresh_token":
                        if (property.Value.ValueKind == JsonValueKind.Null)
                        {
                            break;
                        }

                        if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            problem = $"the field '{property.Name}' is a JSON {property.Value.ValueKind}, not a string";
                            return false;
                        }

                        fields[property.Name] = property.Value.GetString();
                        break;
                    case "issued_at":
                        if (!TryReadIssuedAt(property.Value, out issuedAtRaw, out issuedAt))
                        {
                            problem = $"the field 'issued_at' is not a number of milliseconds (JSON {property.Value.ValueKind})";
                            return false;
                        }

                        break;
                }
            }

            if (!fields.TryGetValue("access_token", out var accessToken) || string.IsNullOrEmpty(accessToken))
            {
                problem = "the response has no access_token";
                return false;
            }

            response = new TokenResponse
            {
                AccessToken = accessToken,
                InstanceUrl = fields.GetValueOrDefault("instance_url"),
                Id = fields.GetValueOrDefault("id"),
                TokenType = fields.GetValueOrDefault("token_type"),
                Scope = fields.GetValueOrDefault("scope"),
                Signature = fields.GetValueOrDefault("signature"),
                ApiInstanceUrl = fields.GetValueOrDefault("api_instance_url"),
                CommunityUrl = fields.GetValueOrDefault("sfdc_community_url"),
                CommunityId = fields.GetValueOrDefault("sfdc_community_id"),
                RefreshToken = fields.GetValueOrDefault("refresh_token"),
                IssuedAtRaw = issuedAtRaw,
                IssuedAt = issuedAt,
            };
            return true;
        }
        catch (JsonException)
        {
            problem = "the response is not valid JSON";
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON text but no valid string: GetString throws.
            problem = "the response is not valid JSON (invalid UTF-16 in a string)";
            return false;
        }
    }

    /// <summary>
    /// Checks <c>signature</c> = Base64(HMAC-SHA256(client secret, <c>id</c> + <c>issued_at</c>)) in constant time
    /// (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5).
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="clientSecret">The consumer secret.</param>
    /// <returns><see langword="true"/> when the signature matches.</returns>
    public static bool VerifySignature(TokenResponse response, string clientSecret)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(clientSecret);
        if (response.Signature is null || response.Id is null || response.IssuedAtRaw is null)
        {
            return false;
        }

        Span<byte> received = stackalloc byte[64];
        if (!Convert.TryFromBase64String(response.Signature, received, out var receivedLength) || receivedLength != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(response.Id + response.IssuedAtRaw), expected);
        return CryptographicOperations.FixedTimeEquals(expected, received[..receivedLength]);
    }

    private static bool TryReadIssuedAt(JsonElement value, out string? raw, out DateTimeOffset? issuedAt)
    {
        raw = null;
        issuedAt = null;
        long number;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                raw = value.GetString();
                if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out number))
                {
                    return false;
                }

                break;
            case JsonValueKind.Number:
                raw = value.GetRawText();
                if (!value.TryGetInt64(out number))
                {
                    if (!value.TryGetDouble(out var d) || d < 0 || d > long.MaxValue)
                    {
                        return false;
                    }

                    number = (long)d;
                }

                break;
            default:
                return false;
        }

        try
        {
            // Salesforce documents milliseconds as a string; some responses carry seconds or a number (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5).
            issuedAt = number > MillisecondsThreshold
                ? DateTimeOffset.FromUnixTimeMilliseconds(number)
                : DateTimeOffset.FromUnixTimeSeconds(number);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
