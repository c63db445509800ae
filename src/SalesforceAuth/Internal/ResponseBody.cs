using System.Text;

namespace SalesforceAuth.Internal;

/// <summary>
/// Reads response bodies with a ceiling, so that a huge or endless body (a misbehaving proxy, a hostile host) costs a
/// bounded amount of memory and time instead of being read whole.
/// </summary>
internal static class ResponseBody
{
    /// <summary>
    /// The largest token, introspection, revocation or userinfo body read: 1 MiB. Salesforce's answers are a few KB (a
    /// token response with an <c>id_token</c> is the largest, under 8 KB), and the HTML error pages a proxy or a
    /// maintenance window serves are tens of KB; a megabyte leaves two orders of magnitude of margin over both.
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    private const int FirstReadSize = 16 * 1024;

    /// <summary>Reads a whole body of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="content">The content.</param>
    /// <param name="maxBytes">The ceiling.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body, or <see langword="null"/> when it is larger (then at most <paramref name="maxBytes"/> + 1 bytes were read).</returns>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength is { } length && length > maxBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var (buffer, count) = await ReadUpToAsync(stream, maxBytes + 1, content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            return count > maxBytes ? null : buffer.AsSpan(0, count).ToArray();
        }
    }

    /// <summary>Reads from <paramref name="stream"/> until it ends or <paramref name="limit"/> bytes were read.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="limit">The most bytes read.</param>
    /// <param name="expectedLength">The announced length (sizes the first buffer), when known.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A buffer and how many bytes of it were read (<paramref name="limit"/> when the stream has more).</returns>
    public static async Task<(byte[] Buffer, int Count)> ReadUpToAsync(Stream stream, int limit, long? expectedLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[(int)Math.Min(limit, Math.Max(expectedLength ?? FirstReadSize, 1))];
        var count = 0;
        while (count < limit)
        {
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(limit, (long)buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        return (buffer, count);
    }

    /// <summary>Decodes a body like <see cref="HttpContent.ReadAsStringAsync()"/>: a byte order mark first, then the declared charset, else UTF-8.</summary>
    /// <param name="content">The content (for its charset).</param>
    /// <param name="body">The bytes.</param>
    /// <returns>The text.</returns>
    public static string Decode(HttpContent content, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (body.StartsWith(Encoding.UTF8.Preamble))
        {
            return Encoding.UTF8.GetString(body[Encoding.UTF8.Preamble.Length..]);
        }

        var encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset: Salesforce sends UTF-8, so read it as that rather than fail on a label.
            }
        }

        return encoding.GetString(body);
    }
}
