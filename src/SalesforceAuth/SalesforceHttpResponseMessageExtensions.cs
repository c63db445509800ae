using SalesforceAuth.Errors;

namespace SalesforceAuth;

/// <summary>Turns Salesforce REST API error responses into typed exceptions.</summary>
public static class SalesforceHttpResponseMessageExtensions
{
    /// <summary>At most this much of an error body is read.</summary>
    private const int MaxErrorBodyBytes = 256 * 1024;

    /// <summary>
    /// Returns the response when it is successful; otherwise reads the Salesforce error body and throws:
    /// <see cref="SalesforceSessionExpiredException"/> for 401 <c>INVALID_SESSION_ID</c> "Session expired or invalid",
    /// <c>INVALID_JWT_FORMAT</c> or 403 <c>Bad_OAuth_Token</c> (the session was refused even after the handler renewed it);
    /// <see cref="SalesforceRateLimitException"/> for 403 <c>REQUEST_LIMIT_EXCEEDED</c>; a
    /// <see cref="SalesforceAuthenticationException"/> with the matching <see cref="SalesforceReason"/> for other
    /// authentication failures (<c>INVALID_HEADER_TYPE</c>, <c>INVALID_SCOPES</c>, a session not valid for the REST API);
    /// and <see cref="SalesforceApiException"/> for every other error, with the REST <c>errorCode</c>, <c>message</c> and <c>fields</c>.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels reading the error body.</param>
    /// <returns>The same response, when successful.</returns>
    /// <example>
    /// <code>
    /// using var response = await client.PostAsJsonAsync("/services/data/v62.0/sobjects/Account", new { Name = "Acme" }, cancellationToken);
    /// try
    /// {
    ///     await response.EnsureSalesforceSuccessAsync(cancellationToken);
    /// }
    /// catch (SalesforceApiException ex) when (ex.ErrorCode == "REQUIRED_FIELD_MISSING")
    /// {
    ///     // ex.Fields names the fields
    /// }
    /// </code>
    /// </example>
    /// <exception cref="SalesforceAuthenticationException">The access token was refused, or a limit was reached.</exception>
    /// <exception cref="SalesforceApiException">Any other REST API error.</exception>
    public static async Task<HttpResponseMessage> EnsureSalesforceSuccessAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var limitInfo = response.Headers.TryGetValues("Sforce-Limit-Info", out var values)
            || response.Content.Headers.TryGetValues("Sforce-Limit-Info", out values)
            ? string.Join(", ", values)
            : null;
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date && response.Headers.Date is { } now ? date - now : null)
            : null;
        throw SalesforceErrorMapper.MapRestError(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            body,
            response.RequestMessage?.RequestUri,
            retryAfter,
            limitInfo);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[16 * 1024];
            using var collected = new MemoryStream();
            int read;
            while (collected.Length < MaxErrorBodyBytes
                && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, MaxErrorBodyBytes - collected.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                collected.Write(buffer, 0, read);
            }

            return collected.ToArray();
        }
    }
}
