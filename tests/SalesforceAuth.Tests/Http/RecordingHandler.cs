using System.Net;
using System.Net.Http.Headers;

namespace SalesforceAuth.Tests.Http;

/// <summary>An in-memory terminal handler: records what was sent and answers with a callback.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage>? respond = null) =>
        Respond = respond ?? (_ => new HttpResponseMessage(HttpStatusCode.OK));

    public Func<HttpRequestMessage, HttpResponseMessage> Respond { get; set; }

    /// <summary>When set, wins over <see cref="Respond"/>: lets a test hold responses.</summary>
    public Func<HttpRequestMessage, Task<HttpResponseMessage>>? RespondAsync { get; set; }

    public List<(Uri Uri, AuthenticationHeaderValue? Authorization)> Sent { get; } = [];

    public static HttpResponseMessage SessionExpired() => Json(HttpStatusCode.Unauthorized, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""");

    public static HttpResponseMessage NotValidForApi() => Json(HttpStatusCode.Unauthorized, """[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]""");

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add((request.RequestUri!, request.Headers.Authorization));
        }

        return RespondAsync is { } respondAsync ? respondAsync(request) : Task.FromResult(Respond(request));
    }
}
