using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>An in-process HTTP handler that answers with a script and records every request (path, form, Authorization).</summary>
internal sealed class ScriptedHandler(Func<ScriptedHandler.Recorded, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int _count;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public static HttpResponseMessage Json(int status, string body) => new((HttpStatusCode)status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Recorded(request.RequestUri!.AbsolutePath, body.Length == 0 ? [] : TokenEndpointFixture.Form(body), request.Headers.Authorization?.ToString());
        Requests.Enqueue(recorded);
        Interlocked.Increment(ref _count);
        return await respond(recorded);
    }

    internal sealed record Recorded(string Path, Dictionary<string, string> Form, string? Authorization);
}
