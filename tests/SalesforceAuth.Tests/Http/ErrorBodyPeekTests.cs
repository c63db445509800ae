using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tests.Tokens;

namespace SalesforceAuth.Tests.Http;

/// <summary>The handler looks at a 401/403 body to decide on a renewal, and the caller still gets the whole body.</summary>
public sealed class ErrorBodyPeekTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, RestAuthErrorClassifier.MaxBodyBytes + 1)]
    [InlineData(HttpStatusCode.Forbidden, 40 * 1024)]
    [InlineData(HttpStatusCode.Unauthorized, 3 * RestAuthErrorClassifier.MaxBodyBytes)]
    public async Task SendAsync_ChunkedErrorBodyOverThePeek_CallerReadsAllOfIt(HttpStatusCode status, int length)
    {
        var (client, terminal, source) = Create();
        terminal.Respond = _ => Chunked(status, new LongStream(length, (byte)'x'));

        using var response = await client.GetAsync("/services/data/v62.0/limits", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(length, body.Length);
        Assert.All(body, c => Assert.Equal('x', c));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task SendAsync_ChunkedSessionExpired_RenewedAndRetried()
    {
        var (client, terminal, source) = Create();
        var answers = new Queue<HttpResponseMessage>([
            Chunked(HttpStatusCode.Unauthorized, new MemoryStreamWithoutLength("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""")),
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") }]);
        terminal.Respond = _ => answers.Dequeue();

        using var response = await client.GetAsync("/services/data/v62.0/limits", Ct);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task SendAsync_ChunkedSmallForbidden_CallerReadsTheBody()
    {
        const string body = """[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]""";
        var (client, terminal, source) = Create();
        terminal.Respond = _ => Chunked(HttpStatusCode.Forbidden, new MemoryStreamWithoutLength(body));

        using var response = await client.GetAsync("/services/data/v62.0/limits", Ct);

        Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, source.Calls);
    }

    private static HttpResponseMessage Chunked(HttpStatusCode status, Stream body)
    {
        var response = new HttpResponseMessage(status) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        Assert.Null(response.Content.Headers.ContentLength);
        return response;
    }

    private static (HttpClient Client, RecordingHandler Terminal, FakeTokenSource Source) Create()
    {
        var source = new FakeTokenSource();
        var terminal = new RecordingHandler();
        var handler = new SalesforceAuthenticationHandler(TestManagers.Create(source), new SalesforceMetrics(null), NullLogger.Instance) { InnerHandler = terminal };
        return (new HttpClient(handler) { BaseAddress = SalesforceAuthenticationHandler.PlaceholderBaseAddress }, terminal, source);
    }

    /// <summary>A small body whose length is not announced (as with chunked transfer encoding).</summary>
    private sealed class MemoryStreamWithoutLength(string text) : Stream
    {
        private readonly MemoryStream _inner = new(Encoding.UTF8.GetBytes(text));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
