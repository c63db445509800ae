using System.Net;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Http;

/// <summary>
/// Reads a REST error response and tells whether a new token may help. Kept small and local to the handler; the
/// classification itself is the error catalogue's (Errors/RestErrorClassifier), so the REST rules live in one table.
/// </summary>
internal static class RestAuthErrorClassifier
{
    /// <summary>Bodies larger than this are not Salesforce auth errors and are not read.</summary>
    internal const int MaxBodyBytes = 16 * 1024;

    /// <summary>Classifies a <c>401</c> or <c>403</c> response, buffering its (small) body so the caller can still read it.</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The classification.</returns>
    public static async Task<RestAuthFailure> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return RestAuthFailure.None;
        }

        var content = response.Content;
        if (content.Headers.ContentLength is > MaxBodyBytes)
        {
            return RestAuthFailure.None;
        }

        string body;
        try
        {
#if NET9_0_OR_GREATER
            await content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken).ConfigureAwait(false);
#else
            // .NET 8's bounded buffering takes no token, and a body that stalls on the socket would hold the caller past
            // its cancellation (or HttpClient.Timeout). Closing the content ends that read; the check below turns the
            // broken body into the caller's cancellation.
            using (cancellationToken.Register(static state => ((HttpContent)state!).Dispose(), content))
            {
                await content.LoadIntoBufferAsync(MaxBodyBytes).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
#endif
            body = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Larger than the limit without a Content-Length, or the connection broke: not a session error we can fix.
            cancellationToken.ThrowIfCancellationRequested();
            return RestAuthFailure.None;
        }

        return Classify(response.StatusCode, body);
    }

    /// <summary>Classifies a REST error body with the error catalogue's rules (one table for every REST rule).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body.</param>
    /// <returns>The classification.</returns>
    public static RestAuthFailure Classify(HttpStatusCode status, string body) =>
        RestErrorClassifier.Classify(status, mediaType: null, body);
}
