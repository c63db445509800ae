using System.Net;
using SalesforceAuth.Errors;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Http;

/// <summary>
/// Reads a REST error response and tells whether a new token may help. Kept small and local to the handler; the
/// classification itself is the error catalogue's (Errors/RestErrorClassifier), so the REST rules live in one table.
/// </summary>
internal static class RestAuthErrorClassifier
{
    /// <summary>Bodies larger than this are not Salesforce auth errors: at most this much (and one byte) is looked at.</summary>
    internal const int MaxBodyBytes = 16 * 1024;

    /// <summary>
    /// Classifies a <c>401</c> or <c>403</c> response from at most <see cref="MaxBodyBytes"/> of its body, leaving the
    /// whole body readable by the caller: a body of known, small length is buffered; a body of unknown length (chunked)
    /// is peeked and the response's content replaced by one that replays the peeked bytes and then the rest.
    /// </summary>
    /// <param name="response">The response (its <see cref="HttpResponseMessage.Content"/> may be replaced).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The classification.</returns>
    public static async Task<RestAuthFailure> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return RestAuthFailure.None;
        }

        var content = response.Content;
        var length = content.Headers.ContentLength;
        if (length is > MaxBodyBytes)
        {
            return RestAuthFailure.None;
        }

        try
        {
            if (length is not null)
            {
                // It fits: buffering reads all of it, and the caller reads the buffer.
#if NET9_0_OR_GREATER
                await content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false);
#else
                // .NET 8's bounded buffering takes no token, and a body that stalls on the socket would hold the caller
                // past its cancellation (or HttpClient.Timeout). Closing the content ends that read; the check below
                // turns the broken body into the caller's cancellation.
                using (cancellationToken.Register(static state => ((HttpContent)state!).Dispose(), content))
                {
                    await content.LoadIntoBufferAsync(MaxBodyBytes).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
#endif
                return Classify(response.StatusCode, await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            }

            // LoadIntoBufferAsync(limit) on a longer chunked body would consume part of it and then fail, and the
            // caller would get "The stream was already consumed" instead of the 401/403: peek instead.
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var (buffer, count) = await ResponseBody.ReadUpToAsync(stream, MaxBodyBytes + 1, null, cancellationToken).ConfigureAwait(false);
            if (count > MaxBodyBytes)
            {
                response.Content = WithHeaders(new StreamContent(new PrefixedStream(buffer, count, stream)), content);
                return RestAuthFailure.None;
            }

            response.Content = WithHeaders(new ByteArrayContent(buffer, 0, count), content);
            content.Dispose();
            return Classify(response.StatusCode, ResponseBody.Decode(response.Content, buffer.AsSpan(0, count)));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The connection broke while reading (or the caller cancelled, which closed the body on .NET 8): not a
            // session error a new token can fix; the caller sees the break or its cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            return RestAuthFailure.None;
        }
    }

    /// <summary>Classifies a REST error body with the error catalogue's rules (one table for every REST rule).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body.</param>
    /// <returns>The classification.</returns>
    public static RestAuthFailure Classify(HttpStatusCode status, string body) =>
        RestErrorClassifier.Classify(status, mediaType: null, body);

    private static HttpContent WithHeaders(HttpContent replacement, HttpContent original)
    {
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return replacement;
    }
}
