using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace SalesforceAuth.Testing.Internal;

/// <summary>The REST API of a pod with small canned data (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5; REST API Developer Guide "Status Codes and Error Responses", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm). Sessions are bound to the pod they were
/// issued for.</summary>
internal sealed partial class RestApi(FakeSalesforce owner)
{
    private const int MinVersion = 31;
    private const int MaxVersion = 66;
    private static readonly string[] Seasons = ["Winter", "Spring", "Summer"];
    private static readonly string[] Resources = ["sobjects", "query", "queryAll", "search", "limits", "composite", "tooling"];
    private static readonly string[] CannedTypes = ["Account", "Contact", "Opportunity", "Case"];

    // Per org, in creation order: a query reads its own org's records, whatever the number of orgs.
    private readonly Dictionary<FakeOrg, Dictionary<string, (string Type, JsonElement Fields)>> _records = [];
    private readonly Dictionary<FakeOrg, int> _usage = [];

    public async Task<Reply> HandleAsync(Listener listener, HttpContext context, Dictionary<string, string> parameters)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        if (path.Equals("/services/data", StringComparison.OrdinalIgnoreCase))
        {
            // The versions list needs no session.
            return HttpMethods.IsGet(context.Request.Method) ? Reply.JsonBody(Versions()) : MethodNotAllowed();
        }

        var match = VersionPath().Match(path);
        if (!match.Success)
        {
            return NotFound();
        }

        var header = context.Request.Headers.Authorization.ToString();
        var scheme = header.IndexOf(' ', StringComparison.Ordinal);
        if (scheme <= 0 || !(header[..scheme].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || header[..scheme].Equals("OAuth", StringComparison.OrdinalIgnoreCase)))
        {
            return Reply.RestError(401, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE");
        }

        var token = header[(scheme + 1)..].Trim();
        FakeOrg org;
        int used;
        lock (owner.Gate)
        {
            var now = owner.UtcNow;
            if (!owner.AccessTokens.TryGetValue(token, out var access) || !owner.IsSessionValid(access, now)
                || access.Pod != listener.Pod || access.Org.Pod != listener.Pod)
            {
                return Reply.RestError(401, "INVALID_SESSION_ID", "Session expired or invalid");
            }

            access.LastActivity = now;
            org = access.Org;
            used = _usage.GetValueOrDefault(org) + 1;
            _usage[org] = used;
        }

        var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
        Reply reply;
        if (version is < MinVersion or > MaxVersion)
        {
            reply = NotFound();
        }
        else
        {
            var rest = match.Groups["rest"].Value.Trim('/');
            var segments = rest.Length == 0 ? [] : rest.Split('/');
            var basePath = $"/services/data/v{version}.0";
            reply = await RouteAsync(context, org, basePath, segments, parameters, used).ConfigureAwait(false);
        }

        reply.Headers["Sforce-Limit-Info"] = $"api-usage={used}/{owner.Options.ApiRequestLimit}";
        return reply;
    }

    private async Task<Reply> RouteAsync(HttpContext context, FakeOrg org, string basePath, string[] segments, Dictionary<string, string> parameters, int used)
    {
        var method = context.Request.Method;
        switch (segments)
        {
            case []:
                return HttpMethods.IsGet(method) ? Reply.JsonBody(Reply.Json(w =>
                {
                    foreach (var name in Resources)
                    {
                        w.WriteString(name, $"{basePath}/{name}");
                    }
                })) : MethodNotAllowed();
            case ["limits"]:
                return HttpMethods.IsGet(method) ? Limits(used) : MethodNotAllowed();
            case ["query"]:
                return HttpMethods.IsGet(method) ? Query(org, basePath, parameters.GetValueOrDefault("q")) : MethodNotAllowed();
            case ["sobjects"]:
                return HttpMethods.IsGet(method) ? Reply.JsonBody(Reply.Json(w =>
                {
                    w.WriteString("encoding", "UTF-8");
                    w.WriteNumber("maxBatchSize", 200);
                    w.WriteStartArray("sobjects");
                    foreach (var type in CannedTypes)
                    {
                        WriteDescribe(w, basePath, type);
                    }

                    w.WriteEndArray();
                })) : MethodNotAllowed();
            case ["sobjects", var type]:
                if (HttpMethods.IsPost(method))
                {
                    return await CreateAsync(context, org, type).ConfigureAwait(false);
                }

                return HttpMethods.IsGet(method) ? Reply.JsonBody(Reply.Json(w =>
                {
                    w.WritePropertyName("objectDescribe");
                    WriteDescribe(w, basePath, type);
                    w.WriteStartArray("recentItems");
                    w.WriteEndArray();
                })) : MethodNotAllowed();
            case ["sobjects", var type, var id]:
                return HttpMethods.IsGet(method) ? Get(org, basePath, type, id) : MethodNotAllowed();
            default:
                return NotFound();
        }
    }

    /// <summary>
    /// The org's limits as REST API Developer Guide, "Limits" (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm)
    /// shapes them: one object per limit with <c>Max</c> and <c>Remaining</c>. Only the daily API requests are tracked,
    /// so only they are listed, with the same figures as this response's <c>Sforce-Limit-Info</c> (this call included).
    /// </summary>
    private Reply Limits(int used) => Reply.JsonBody(Reply.Json(w =>
    {
        var limit = owner.Options.ApiRequestLimit;
        w.WriteStartObject("DailyApiRequests");
        w.WriteNumber("Max", limit);
        w.WriteNumber("Remaining", Math.Max(0, limit - used));
        w.WriteEndObject();
    }));

    private Reply Query(FakeOrg org, string basePath, string? soql)
    {
        var from = string.IsNullOrWhiteSpace(soql) ? Match.Empty : FromClause().Match(soql);
        if (!from.Success)
        {
            return Reply.RestError(400, "MALFORMED_QUERY", "unexpected token: " + (soql ?? "<empty>"));
        }

        var type = from.Groups["type"].Value;
        var records = new List<(string Id, JsonElement? Fields)>
        {
            (CannedId(org, type, 1), null),
            (CannedId(org, type, 2), null),
        };
        lock (owner.Gate)
        {
            if (_records.TryGetValue(org, out var stored))
            {
                records.AddRange(stored.Where(p => p.Value.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
                    .Select(p => (p.Key, (JsonElement?)p.Value.Fields)));
            }
        }

        return Reply.JsonBody(Reply.Json(w =>
        {
            w.WriteNumber("totalSize", records.Count);
            w.WriteBoolean("done", true);
            w.WriteStartArray("records");
            for (var i = 0; i < records.Count; i++)
            {
                WriteRecord(w, basePath, type, records[i].Id, records[i].Fields, $"Sample {type} {i + 1}");
            }

            w.WriteEndArray();
        }));
    }

    private async Task<Reply> CreateAsync(HttpContext context, FakeOrg org, string type)
    {
        JsonElement fields;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            fields = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Reply.RestError(400, "JSON_PARSER_ERROR", "The request body is not valid JSON.");
        }

        if (fields.ValueKind != JsonValueKind.Object)
        {
            return Reply.RestError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object.");
        }

        var id = Ids.NewRecordId(KeyPrefix(type));
        lock (owner.Gate)
        {
            if (!_records.TryGetValue(org, out var stored))
            {
                stored = new Dictionary<string, (string Type, JsonElement Fields)>(StringComparer.Ordinal);
                _records[org] = stored;
            }

            stored[id] = (type, fields);
        }

        return Reply.JsonBody(
            Reply.Json(w =>
            {
                w.WriteString("id", id);
                w.WriteBoolean("success", true);
                w.WriteStartArray("errors");
                w.WriteEndArray();
            }),
            201);
    }

    private Reply Get(FakeOrg org, string basePath, string type, string id)
    {
        JsonElement? fields = null;
        lock (owner.Gate)
        {
            if (_records.TryGetValue(org, out var orgRecords) && orgRecords.TryGetValue(id, out var stored) && stored.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                fields = stored.Fields;
            }
        }

        if (fields is null && !id.StartsWith(KeyPrefix(type), StringComparison.Ordinal))
        {
            return NotFound();
        }

        return Reply.JsonBody(Reply.Json(w => WriteRecordBody(w, basePath, type, id, fields, $"Sample {type}"), wrapObject: true));
    }

    private static void WriteRecord(Utf8JsonWriter w, string basePath, string type, string id, JsonElement? fields, string name)
    {
        w.WriteStartObject();
        WriteRecordBody(w, basePath, type, id, fields, name);
        w.WriteEndObject();
    }

    private static void WriteRecordBody(Utf8JsonWriter w, string basePath, string type, string id, JsonElement? fields, string name)
    {
        w.WriteStartObject("attributes");
        w.WriteString("type", type);
        w.WriteString("url", $"{basePath}/sobjects/{type}/{id}");
        w.WriteEndObject();
        w.WriteString("Id", id);
        if (fields is { } stored)
        {
            foreach (var property in stored.EnumerateObject().Where(p => p.Name is not ("Id" or "attributes")))
            {
                property.WriteTo(w);
            }
        }
        else
        {
            w.WriteString("Name", name);
        }
    }

    private static void WriteDescribe(Utf8JsonWriter w, string basePath, string type)
    {
        w.WriteStartObject();
        w.WriteString("name", type);
        w.WriteString("label", type);
        w.WriteString("keyPrefix", KeyPrefix(type));
        w.WriteBoolean("createable", true);
        w.WriteBoolean("queryable", true);
        w.WriteStartObject("urls");
        w.WriteString("sobject", $"{basePath}/sobjects/{type}");
        w.WriteString("rowTemplate", $"{basePath}/sobjects/{type}/{{ID}}");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string KeyPrefix(string type) => type.ToUpperInvariant() switch
    {
        "ACCOUNT" => "001",
        "CONTACT" => "003",
        "OPPORTUNITY" => "006",
        "CASE" => "500",
        "USER" => "005",
        _ => "a00",
    };

    /// <summary>Stable canned IDs per org and type, so a query and a later GET agree.</summary>
    private static string CannedId(FakeOrg org, string type, int n) =>
        string.Concat(KeyPrefix(type), org.OrgId.AsSpan(3, 6), n.ToString("D6", CultureInfo.InvariantCulture));

    private static string Versions() => Reply.Json(
        w =>
        {
            w.WriteStartArray();
            for (var v = MinVersion; v <= MaxVersion; v++)
            {
                // Release 65 = Winter '26 (October 2025); three releases a year (reference, "Research cut-off").
                var offset = v - 65;
                var year = 26 + (int)Math.Floor(offset / 3.0);
                var season = Seasons[((offset % 3) + 3) % 3];
                w.WriteStartObject();
                w.WriteString("label", $"{season} '{year:D2}");
                w.WriteString("url", $"/services/data/v{v}.0");
                w.WriteString("version", $"{v}.0");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        },
        wrapObject: false);

    private static Reply NotFound() => Reply.RestError(404, "NOT_FOUND", "The requested resource does not exist");

    private static Reply MethodNotAllowed() => Reply.RestError(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed for this resource");

    [GeneratedRegex(@"^/services/data/v(?<version>\d{2})\.0(?<rest>/.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionPath();

    [GeneratedRegex(@"\bFROM\s+(?<type>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FromClause();
}
