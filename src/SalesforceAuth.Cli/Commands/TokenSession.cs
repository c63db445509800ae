namespace SalesforceAuth.Cli.Commands;

/// <summary>A token client with its back-channel <see cref="HttpClient"/> (redirects off, as the library requires).</summary>
internal sealed class TokenSession : IDisposable
{
    private readonly HttpClient _http;

    public TokenSession(SalesforceClientOptions options, TimeProvider timeProvider)
    {
        Options = options;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            Client = new SalesforceTokenClient(_http, options, timeProvider);
        }
        catch
        {
            _http.Dispose();
            throw;
        }
    }

    public SalesforceClientOptions Options { get; }

    public SalesforceTokenClient Client { get; }

    public void Dispose() => _http.Dispose();
}
