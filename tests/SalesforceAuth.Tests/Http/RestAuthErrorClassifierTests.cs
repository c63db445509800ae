using System.Net;
using System.Text;
using SalesforceAuth.Errors;
using SalesforceAuth.Http;

namespace SalesforceAuth.Tests.Http;

/// <summary>
/// Reading a 401/403 body from the wire. The bounded buffering differs by target (net9.0+ can cancel it, net8.0
/// cannot), so these run on both runtimes with bodies that arrive as a stream of unknown length, as from a socket.
/// </summary>
public sealed class RestAuthErrorClassifierTests
{
    private const string SessionExpired = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";

    [Fact]
    public async Task ClassifyAsync_StreamedBodyWithoutLength_ClassifiesAndLeavesTheBodyReadable()
    {
        using var response = Unauthorized(new WireStream(Encoding.UTF8.GetBytes(SessionExpired), stallAtEnd: false));
        Assert.Null(response.Content.Headers.ContentLength);

        var failure = await RestAuthErrorClassifier.ClassifyAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(RestAuthFailure.SessionExpired, failure);
        Assert.Equal(SessionExpired, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClassifyAsync_StreamedBodyOverTheLimit_IsNotReadAsAnAuthError()
    {
        var body = SessionExpired + new string(' ', RestAuthErrorClassifier.MaxBodyBytes);
        using var response = Unauthorized(new WireStream(Encoding.UTF8.GetBytes(body), stallAtEnd: false));

        var failure = await RestAuthErrorClassifier.ClassifyAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(RestAuthFailure.None, failure);
    }

    [Fact]
    public async Task ClassifyAsync_BodyStallsAndTheCallerCancels_EndsWithCancellation()
    {
        var stream = new WireStream(Encoding.UTF8.GetBytes(SessionExpired[..20]), stallAtEnd: true);
        using var response = Unauthorized(stream);
        using var cancel = new CancellationTokenSource();

        var classify = RestAuthErrorClassifier.ClassifyAsync(response, cancel.Token);
        await stream.Stalled.WaitAsync(TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        // The bound only turns a regression (a read that ignores the cancellation) into a failure instead of a hang.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => classify.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
    }

    private static HttpResponseMessage Unauthorized(Stream body) =>
        new(HttpStatusCode.Unauthorized) { Content = new StreamContent(body) };

    /// <summary>
    /// A response body as a socket delivers it: not seekable (so no Content-Length), in small reads, and optionally
    /// going quiet at the end, where a read ends only when it is cancelled or the stream is closed.
    /// </summary>
    private sealed class WireStream(byte[] content, bool stallAtEnd) : Stream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Stalled => _stalled.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < content.Length)
            {
                var count = Math.Min(Math.Min(buffer.Length, 1024), content.Length - _position);
                content.AsMemory(_position, count).CopyTo(buffer);
                _position += count;
                return count;
            }

            if (!stallAtEnd)
            {
                return 0;
            }

            _stalled.TrySetResult();
            await _closed.Task.WaitAsync(cancellationToken);
            throw new IOException("The connection was closed while the body was being read.");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
