using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary>A token client with its back-channel <see cref="HttpClient"/> (redirects off, as the library requires).</summary>
internal sealed class TokenSession : IDisposable
{
    private readonly HttpClient _http;

    public TokenSession(SalesforceClientOptions options, TimeProvider timeProvider, ISalesforceRefreshTokenStore? refreshTokenStore = null)
    {
        Options = options;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            Client = new SalesforceTokenClient(_http, options, timeProvider, refreshTokenStore: refreshTokenStore);
        }
        catch
        {
            _http.Dispose();
            throw;
        }
    }

    public SalesforceClientOptions Options { get; }

    /// <summary>A session with the command's connection settings (and its refresh token file, if any).</summary>
    public static TokenSession Create(CommandContext context)
    {
        var options = ClientOptionsFactory.Create(context);
        return new TokenSession(options, context.Console.TimeProvider, ClientOptionsFactory.CreateRefreshTokenStore(context, options));
    }

    public SalesforceTokenClient Client { get; }

    public void Dispose() => _http.Dispose();
}
