using System.Net;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>
/// The end of every hot-path pipeline: answers in memory with one cached <c>200</c> so that what is measured is the
/// pipeline in front of it, identical for every case.
/// </summary>
public sealed class TerminalHandler : HttpMessageHandler
{
    private readonly HttpResponseMessage _response = new(HttpStatusCode.OK);
    private readonly Task<HttpResponseMessage> _completed;

    public TerminalHandler() => _completed = Task.FromResult(_response);

    /// <summary>When set, the next request is kept in <see cref="LastRequest"/> (setup-time checks only).</summary>
    public bool Capture { get; set; }

    public HttpRequestMessage? LastRequest { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Capture)
        {
            LastRequest = request;
        }

        return _completed;
    }

    /// <summary>Sends one request through <paramref name="client"/> and checks it reached here authorised.</summary>
    public async Task VerifyAsync(HttpClient client, Uri? requestUri, string expectedHost, string expectedScheme = "Bearer")
    {
        Capture = true;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, requestUri);
            _ = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            var seen = LastRequest ?? throw new InvalidOperationException("The request never reached the terminal handler.");
            if (seen.Headers.Authorization is not { } auth || auth.Scheme != expectedScheme || string.IsNullOrEmpty(auth.Parameter))
            {
                throw new InvalidOperationException($"The request to {seen.RequestUri} carried no {expectedScheme} Authorization header.");
            }

            if (seen.RequestUri?.Host != expectedHost)
            {
                throw new InvalidOperationException($"The request went to {seen.RequestUri?.Host}, expected {expectedHost}.");
            }
        }
        finally
        {
            Capture = false;
            LastRequest = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
