using System.Net.Http.Headers;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// Floor 2: the least any authorising <see cref="DelegatingHandler"/> can do, set one cached header value object.
/// Every hot-path target is a ratio to this.
/// </summary>
public sealed class ConstantHeaderHandler(AuthenticationHeaderValue header) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = header;
        return base.SendAsync(request, cancellationToken);
    }
}
