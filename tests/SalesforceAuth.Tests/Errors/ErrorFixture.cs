using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

/// <summary>One catalogue case from Errors/Fixtures/&lt;name&gt;.json, played through the mapper it targets.</summary>
internal sealed class ErrorFixture
{
    private ErrorFixture(string name, JsonElement root)
    {
        Name = name;
        Root = root;
    }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Errors", "Fixtures");

    public string Name { get; }

    public JsonElement Root { get; }

    public string Row => Root.GetProperty("row").GetString()!;

    public string Kind => Root.GetProperty("kind").GetString()!;

    public JsonElement Expect => Root.GetProperty("expect");

    public static IReadOnlyList<string> Names() =>
        [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    public static ErrorFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        return new ErrorFixture(name, document.RootElement.Clone());
    }

    public string? Text(string property) =>
        Root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public Dictionary<string, string> Headers =>
        Root.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);

    public HttpStatusCode? Status =>
        Root.GetProperty("status").ValueKind == JsonValueKind.Number ? (HttpStatusCode)Root.GetProperty("status").GetInt32() : null;

    public string? MediaType => Headers.TryGetValue("Content-Type", out var ct) ? ct.Split(';')[0].Trim() : null;

    public SalesforceFlow? Flow => Text("flow") is { } flow ? Enum.Parse<SalesforceFlow>(flow) : null;

    public TokenErrorContext TokenContext()
    {
        var headers = Headers;
        var local = DateTimeOffset.Parse(Text("localTime")!, CultureInfo.InvariantCulture);
        DateTimeOffset? server = headers.TryGetValue("Date", out var date)
            ? DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        TimeSpan? retryAfter = headers.TryGetValue("Retry-After", out var ra) ? TimeSpan.FromSeconds(int.Parse(ra, CultureInfo.InvariantCulture)) : null;
        Exception? transport = Text("transport") switch
        {
            "HttpRequestException" => new HttpRequestException("Connection refused (login.salesforce.com:443)"),
            "TimeoutException" => new TimeoutException("The token request attempt timed out."),
            _ => null,
        };

        AssertionFacts? assertion = null;
        if (Root.TryGetProperty("assertion", out var a))
        {
            assertion = new AssertionFacts
            {
                Issuer = a.GetProperty("issuer").GetString()!,
                Subject = a.GetProperty("subject").GetString()!,
                Audience = a.GetProperty("audience").GetString()!,
                AudienceRule = a.GetProperty("audienceRule").GetString()!,
                IssuedAt = DateTimeOffset.Parse(a.GetProperty("issuedAt").GetString()!, CultureInfo.InvariantCulture),
                ExpiresAt = DateTimeOffset.Parse(a.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture),
                CertificateThumbprint = a.GetProperty("thumbprint").GetString(),
            };
        }

        return new TokenErrorContext
        {
            Flow = Flow!.Value,
            Endpoint = new Uri(Text("endpoint")!),
            StatusCode = Status,
            MediaType = MediaType,
            Body = Status is null ? null : Text("body"),
            LocalTime = local,
            ServerTime = server,
            RetryAfter = retryAfter,
            Assertion = assertion,
            RetriedWithFreshAssertion = Root.TryGetProperty("retriedWithFreshAssertion", out var r) && r.GetBoolean(),
            Attempts = Root.TryGetProperty("attempts", out var n) ? n.GetInt32() : 1,
            TransportException = transport,
            HasClientSecret = Root.TryGetProperty("hasClientSecret", out var s) && s.GetBoolean(),
        };
    }

    /// <summary>Runs the fixture: the mapped exception, and for REST cases the handler's renewal decision.</summary>
    public async Task<(Exception Exception, RestAuthFailure? Renewal)> RunAsync(CancellationToken cancellationToken)
    {
        switch (Kind)
        {
            case "token":
                return (SalesforceErrorMapper.MapTokenError(TokenContext()), null);
            case "untrusted":
                return (SalesforceErrorMapper.UntrustedInstance(new Uri(Text("refusedUrl")!), "instance_url", Flow), null);
            case "client":
                return (SalesforceErrorMapper.MapClientError(new ClientErrorContext
                {
                    RowId = Row,
                    Summary = Text("summary")!,
                    Flow = Flow,
                    StatusCode = Status,
                    Endpoint = Text("endpoint") is { } endpoint ? new Uri(endpoint) : null,
                    LocalTime = DateTimeOffset.Parse(Text("localTime")!, CultureInfo.InvariantCulture),
                    RefusedUrl = Text("refusedUrl") is { } refused ? new Uri(refused) : null,
                }), null);
            case "rest":
                var bytes = Encoding.UTF8.GetBytes(Text("body")!);
                var renewal = RestErrorClassifier.Classify(Status!.Value, MediaType, bytes);
                Assert.Equal(renewal, RestErrorClassifier.Classify(Status!.Value, MediaType, Text("body")));
                using (var response = new HttpResponseMessage(Status!.Value))
                {
                    response.RequestMessage = new HttpRequestMessage(HttpMethod.Get, Text("endpoint"));
                    response.Content = new ByteArrayContent(bytes);
                    foreach (var (name, value) in Headers)
                    {
                        if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                        {
                            response.Content.Headers.TryAddWithoutValidation(name, value);
                        }
                        else
                        {
                            response.Headers.TryAddWithoutValidation(name, value);
                        }
                    }

                    var exception = await Record.ExceptionAsync(() => response.EnsureSalesforceSuccessAsync(cancellationToken));
                    Assert.NotNull(exception);
                    return (exception, renewal);
                }

            default:
                throw new InvalidOperationException($"Unknown fixture kind {Kind}.");
        }
    }
}
