namespace SalesforceAuth.Http;

/// <summary>
/// A read-only stream that yields bytes already read from a stream, then the rest of that stream: what lets the
/// handler look at the start of a body and still hand the caller the whole of it.
/// </summary>
internal sealed class PrefixedStream : Stream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _rest;
    private int _position;

    /// <summary>Creates the stream.</summary>
    /// <param name="prefix">The bytes already read (the first <paramref name="prefixLength"/> count).</param>
    /// <param name="prefixLength">How many bytes of <paramref name="prefix"/> were read.</param>
    /// <param name="rest">The stream they were read from; owned (disposed with this one).</param>
    public PrefixedStream(byte[] prefix, int prefixLength, Stream rest)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _rest = rest;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (TryReadPrefix(buffer, out var read))
        {
            return read;
        }

        return _rest.Read(buffer);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryReadPrefix(buffer.Span, out var read))
        {
            return ValueTask.FromResult(read);
        }

        return _rest.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rest.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool TryReadPrefix(Span<byte> buffer, out int read)
    {
        read = Math.Min(buffer.Length, _prefixLength - _position);
        if (read <= 0 || buffer.IsEmpty)
        {
            read = 0;
            return buffer.IsEmpty;
        }

        _prefix.AsSpan(_position, read).CopyTo(buffer);
        _position += read;
        return true;
    }
}
