using System.Net;
using System.Text;
using System.Text.Json;

namespace SalesforceAuth.Errors;

/// <summary>
/// Reads REST API error responses and decides what they mean for the access token (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&amp;type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm,
/// Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm). The caching handler calls <see cref="Classify(HttpStatusCode, string?, ReadOnlySpan{byte})"/> to decide
/// whether to renew the token once; the rows live in <see cref="ErrorCatalog"/>.
/// </summary>
internal static class RestErrorClassifier
{
    /// <summary>Bodies longer than this are not parsed: a REST error array is a few hundred bytes.</summary>
    public const int MaxParsedBytes = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Classifies a REST response for the token renewal decision. Never throws on malformed input.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="mediaType">The response media type, when known.</param>
    /// <param name="body">The response body (possibly truncated).</param>
    /// <returns>
    /// <see cref="RestAuthFailure.SessionExpired"/> to evict, renew once and retry once;
    /// <see cref="RestAuthFailure.NotRenewable"/> for an authentication failure a new token cannot fix;
    /// otherwise <see cref="RestAuthFailure.None"/>.
    /// </returns>
    public static RestAuthFailure Classify(HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body)
    {
        var code = (int)status;

        // 401/403: REST and OAuth endpoints; 400: Bulk API 1.0 XML InvalidSessionId; 500: SOAP INVALID_SESSION_ID fault (REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
        if (code is not (400 or 401 or 403 or 500))
        {
            return RestAuthFailure.None;
        }

        var info = Read(body, mediaType);
        if (info.ErrorCode is not null && ErrorCatalog.FindRest(info.ErrorCode, info.Message) is { } row)
        {
            return row.Renewal;
        }

        // An unrecognised 401 is treated as an expired session: renewing once and retrying once is bounded and is what
        // every mature client does (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm). Other statuses without a known code are not authentication failures.
        return code == 401 ? RestAuthFailure.SessionExpired : RestAuthFailure.None;
    }

    /// <summary>Classifies a REST response whose body is already a string.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="mediaType">The response media type, when known.</param>
    /// <param name="body">The response body.</param>
    /// <returns>See <see cref="Classify(HttpStatusCode, string?, ReadOnlySpan{byte})"/>.</returns>
    public static RestAuthFailure Classify(HttpStatusCode status, string? mediaType, string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return Classify(status, mediaType, ReadOnlySpan<byte>.Empty);
        }

        var text = body.Length > MaxParsedBytes ? body[..MaxParsedBytes] : body;
        return Classify(status, mediaType, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads the first error of a REST error body. Never throws on malformed input.</summary>
    /// <param name="body">The body bytes.</param>
    /// <param name="mediaType">The media type, when known.</param>
    /// <returns>What was found; <see cref="RestErrorInfo.None"/> when nothing was.</returns>
    public static RestErrorInfo Read(ReadOnlySpan<byte> body, string? mediaType)
    {
        var trimmed = body.Length > MaxParsedBytes ? body[..MaxParsedBytes] : body;
        trimmed = trimmed.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return RestErrorInfo.None;
        }

        switch (trimmed[0])
        {
            case (byte)'[' or (byte)'{' when body.Length <= MaxParsedBytes:
                return ReadJson(trimmed);
            case (byte)'<':
                return ReadXml(trimmed);
            default:
                // 403 text/plain Bad_OAuth_Token from /services/oauth2/* and /id/* (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5).
                if (trimmed.SequenceEqual("Bad_OAuth_Token"u8))
                {
                    return new("Bad_OAuth_Token", null, [], 1);
                }

                if (trimmed.SequenceEqual("Missing_OAuth_Token"u8))
                {
                    return new("Missing_OAuth_Token", null, [], 1);
                }

                return RestErrorInfo.None;
        }
    }

    private static RestErrorInfo ReadXml(ReadOnlySpan<byte> body)
    {
        // REST XML (<Errors><Error><errorCode>), Bulk API 1.0 (<exceptionCode>InvalidSessionId) and SOAP faults
        // (sf:INVALID_SESSION_ID) only matter here for the session case; nothing else in XML is classified.
        if (body.IndexOf("INVALID_SESSION_ID"u8) < 0 && body.IndexOf("InvalidSessionId"u8) < 0)
        {
            return RestErrorInfo.None;
        }

        return body.IndexOf("not valid for use with the REST API"u8) >= 0
            ? new("INVALID_SESSION_ID", "This session is not valid for use with the REST API", [], 1)
            : new("INVALID_SESSION_ID", "Session expired or invalid", [], 1);
    }

    private static RestErrorInfo ReadJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, isFinalBlock: true, new JsonReaderState(ReaderOptions));
            if (!reader.Read())
            {
                return RestErrorInfo.None;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // Some endpoints answer a single object instead of an array.
                var single = ReadError(ref reader);
                return single with { Count = 1 };
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return RestErrorInfo.None;
            }

            var first = RestErrorInfo.None;
            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject && count == 0)
                {
                    first = ReadError(ref reader);
                }
                else
                {
                    reader.Skip();
                }

                count++;
            }

            return first with { Count = count };
        }
        catch (JsonException)
        {
            return RestErrorInfo.None;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside a string, or a token of an unexpected type.
            return RestErrorInfo.None;
        }
    }

    private static RestErrorInfo ReadError(ref Utf8JsonReader reader)
    {
        string? errorCode = null;
        string? message = null;
        var fields = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCode = reader.ValueTextEquals("errorCode"u8);
            var isMessage = reader.ValueTextEquals("message"u8);
            var isFields = reader.ValueTextEquals("fields"u8);
            reader.Read();
            if ((isCode || isMessage) && reader.TokenType == JsonTokenType.String)
            {
                var value = reader.GetString();
                if (isCode)
                {
                    errorCode = value;
                }
                else
                {
                    message = value;
                }
            }
            else if (isFields && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String && fields.Count < 100)
                    {
                        fields.Add(reader.GetString()!);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new(errorCode, message, fields, 1);
    }
}
