using System.Text;
using System.Text.Json;

namespace SalesforceAuth.Testing.Internal;

/// <summary>A response the emulator is about to write, plus what the request log records about it.</summary>
internal sealed class Reply
{
    public const string JsonContentType = "application/json;charset=UTF-8";

    // Copied from a real token endpoint error capture (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5).
    public const string NoCache = "no-cache,must-revalidate,max-age=0,no-store,private";

    public int StatusCode { get; init; } = 200;

    public string? ContentType { get; init; }

    public string Body { get; init; } = "";

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Error { get; init; }

    public string? ErrorDescription { get; init; }

    public bool Abort { get; init; }

    public static Reply OAuthError(string error, string description)
    {
        var reply = new Reply
        {
            StatusCode = 400,
            ContentType = JsonContentType,
            Body = Json(w =>
            {
                w.WriteString("error", error);
                w.WriteString("error_description", description);
            }),
            Error = error,
            ErrorDescription = description,
        };
        reply.AddNoCacheHeaders();
        return reply;
    }

    public static Reply JsonBody(string body, int statusCode = 200) => new() { StatusCode = statusCode, ContentType = JsonContentType, Body = body };

    public static Reply Text(int statusCode, string body, string? error = null) =>
        new() { StatusCode = statusCode, ContentType = "text/plain;charset=UTF-8", Body = body, Error = error };

    /// <summary>A REST API error: a JSON array with one object (REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).</summary>
    public static Reply RestError(int statusCode, string errorCode, string message) => new()
    {
        StatusCode = statusCode,
        ContentType = JsonContentType,
        Body = Json(w =>
        {
            w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteString("errorCode", errorCode);
            w.WriteEndObject();
            w.WriteEndArray();
        }, wrapObject: false),
        Error = errorCode,
        ErrorDescription = message,
    };

    public void AddNoCacheHeaders()
    {
        Headers["Cache-Control"] = NoCache;
        Headers["Expires"] = "Thu, 01 Jan 1970 00:00:00 GMT";
    }

    /// <summary>Writes compact JSON with keys in the order written (Salesforce's bodies are compact and ordered).</summary>
    public static string Json(Action<Utf8JsonWriter> write, bool wrapObject = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (wrapObject)
            {
                writer.WriteStartObject();
            }

            write(writer);
            if (wrapObject)
            {
                writer.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
