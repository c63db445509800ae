using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Testing.Internal;

/// <summary>One emulated host: its own Kestrel server on a loopback port (free unless asked for), so hosts differ by
/// port; HTTPS with the emulator's server certificate, or plain HTTP when there is none.</summary>
internal sealed class Listener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Listener(WebApplication app, ListenerKind kind, string name, Uri baseUrl, FakeOrg? org, string? pod)
    {
        _app = app;
        Kind = kind;
        Name = name;
        BaseUrl = baseUrl;
        Org = org;
        Pod = pod;
    }

    public ListenerKind Kind { get; }

    /// <summary><c>login</c>, <c>sandbox</c>, <c>mydomain:{org}</c>, <c>pod:{pod}</c> or <c>site:{org}{prefix}</c>.</summary>
    public string Name { get; }

    /// <summary>The base URL with a trailing slash, for example <c>https://127.0.0.1:49152/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The base URL without a trailing slash: the form used in audiences and identity URLs.</summary>
    public string Origin => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>Where this host's endpoints live: the site URL for a site (its path prefix included), else <see cref="Origin"/>.</summary>
    public string PublicBase => Site?.UrlText ?? Origin;

    public string TokenUrl => PublicBase + "/services/oauth2/token";

    public FakeOrg? Org { get; private set; }

    /// <summary>The Experience Cloud site this host serves, for <see cref="ListenerKind.Site"/>.</summary>
    public FakeSite? Site { get; private set; }

    public string? Pod { get; }

    public void AttachOrg(FakeOrg org) => Org = org;

    public void AttachSite(FakeSite site)
    {
        Site = site;
        Org = site.Org;
    }

    /// <summary>Starts a host on <paramref name="port"/> of 127.0.0.1, or on a free port when it is 0.</summary>
    public static async Task<Listener> StartAsync(
        ListenerKind kind, string name, string? pod, X509Certificate2? serverCertificate, Func<Listener, HttpContext, Task> handler, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "FakeSalesforce",
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });

        // The emulator must not pick up the host application's appsettings or ASPNETCORE_* variables (Kestrel endpoints!).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, endpoint =>
            {
                if (serverCertificate is not null)
                {
                    endpoint.UseHttps(serverCertificate);
                }
            });
        });

        var app = builder.Build();
        Listener? listener = null;
        app.Run(context => handler(listener!, context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener = new Listener(app, kind, name, new Uri(address.TrimEnd('/') + "/"), null, pod);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>No console lifetime: an emulator inside a test process must not hook Ctrl+C or print status lines.</summary>
    private sealed class QuietHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
