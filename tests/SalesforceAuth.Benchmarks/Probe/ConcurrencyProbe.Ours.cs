// OURS: adds the subject "ours" to `--probe`: our token provider (ISalesforceTokenProvider), cold, against the loopback
// token endpoint. The Redis probe builds on CreateOurs.
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth.Benchmarks.Probe;

public static partial class ConcurrencyProbe
{
    private const string OursClientName = "probe";

    static partial void AddOurs(List<ProbeSubject> subjects) => subjects.Add(new ProbeSubject("ours", (login, _) => Task.FromResult(CreateOurs(login, configure: null))));

    /// <summary>Our provider, cold, pointed at the loopback endpoint; <paramref name="configure"/> adds e.g. Redis.</summary>
    public static ProbeClient CreateOurs(Uri login, Action<IServiceCollection>? configure) => CreateOursWithServices(login, configure).Client;

    /// <summary>As <see cref="CreateOurs"/>, with the service provider (the Redis subject warms its connection).</summary>
    public static (ProbeClient Client, IServiceProvider Services) CreateOursWithServices(Uri login, Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();

        // The JWT bearer flow (the flow this build implements) with a throwaway key made here: the endpoint does not
        // check the signature, but every acquisition pays for one, as in production. The validator accepts an http
        // loopback login URL with AllowInsecureLoopback; the endpoint answers with instance_url
        // https://acme.my.salesforce.com, inside the default trusted domains.
        var rsa = RSA.Create(2048);

        // RSA.Create generates the key lazily, on first use: generate it now, not inside the timed burst (a deployed
        // service loads its key; it never generates one on its first token request).
        _ = rsa.ExportSubjectPublicKeyInfo();
        var key = SalesforceSigningKey.FromRsa(rsa);
        services.AddSalesforceClient(OursClientName, options =>
        {
            options.Flow = SalesforceFlow.JwtBearer;
            options.LoginUrl = login;
            options.AllowInsecureLoopback = true;
            options.ClientId = "3MVG9probe";
            options.Username = "probe@acme.example.com";
            options.SigningKey = key;
            options.UseIntrospection = false;
            options.MaxRetries = 0;
        });
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();

        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();
        var client = new ProbeClient(
            async ct => (await tokens.GetTokenAsync(OursClientName, cancellationToken: ct)).AccessToken,
            new Owner(provider, rsa));
        return (client, provider);
    }

    private sealed class Owner(ServiceProvider provider, RSA rsa) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            rsa.Dispose();
        }
    }
}
