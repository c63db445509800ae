using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// A loopback Salesforce token endpoint (Kestrel on 127.0.0.1, a free port) that waits <c>latency</c> and then answers
/// every <c>POST /services/oauth2/token</c> with a Salesforce-shaped token, counting the requests; introspection
/// (<c>POST /services/oauth2/introspect</c>) waits as long and answers the token active for two hours.
/// </summary>
public sealed class TokenEndpointServer : IAsyncDisposable
{
    public const string AccessToken = "00Dxx0000000001!AQ4AQProbeAccessTokenNotASecret";
    public const string InstanceUrl = "https://acme.my.salesforce.com";

    private readonly WebApplication _app;
    private int _tokenRequests;
    private int _introspectRequests;

    private TokenEndpointServer(WebApplication app) => _app = app;

    /// <summary>The base URL to use as the login URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public Uri TokenEndpoint => new(BaseAddress, "/services/oauth2/token");

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int IntrospectRequests => Volatile.Read(ref _introspectRequests);

    public static async Task<TokenEndpointServer> StartAsync(TimeSpan latency, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new TokenEndpointServer(app);
        app.MapPost("/services/oauth2/token", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server._tokenRequests);
            await Task.Delay(latency, context.RequestAborted);
            var issuedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $$"""{"access_token":"{{AccessToken}}","instance_url":"{{InstanceUrl}}","id":"https://login.salesforce.com/id/00Dxx0000000001EAA/005xx000001X8UzAAK","token_type":"Bearer","issued_at":"{{issuedAt}}","scope":"api"}""",
                context.RequestAborted);
        });
        app.MapPost("/services/oauth2/introspect", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server._introspectRequests);
            await Task.Delay(latency, context.RequestAborted);
            var exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"active":true,"token_type":"access_token","exp":{{exp}}}""", context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
