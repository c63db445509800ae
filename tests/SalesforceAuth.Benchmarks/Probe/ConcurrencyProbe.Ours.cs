// OURS: wired by lead after merge. Excluded from compilation by SalesforceAuth.Benchmarks.csproj
// (<Compile Remove="**/*.Ours.cs" />) until the caching provider (issue 6) is in main. To enable: delete that item and
// fix the lines marked ADAPT. Adds the subject "ours" to `--probe`.
using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth.Benchmarks.Probe;

public static partial class ConcurrencyProbe
{
    static partial void AddOurs(List<ProbeSubject> subjects) => subjects.Add(new ProbeSubject("ours", (login, _) => Task.FromResult(CreateOurs(login, configure: null))));

    /// <summary>Our provider, cold, pointed at the loopback endpoint; <paramref name="configure"/> adds e.g. Redis.</summary>
    public static ProbeClient CreateOurs(Uri login, Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();

        // ADAPT: the registration API of issue 6.
        services.AddSalesforceClient("probe", options =>
        {
            options.Flow = SalesforceFlow.ClientCredentials;
            options.LoginUrl = login;
            options.AllowInsecureLoopback = true;
            options.ClientId = "3MVG9probe";
            options.ClientSecret = "probe-secret-not-a-secret";
            options.UseIntrospection = false;
            options.MaxRetries = 0;
        });
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();

        // ADAPT: the service that hands out cached tokens for a named client.
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();
        return new ProbeClient(
            async ct => (await tokens.GetTokenAsync("probe", ct)).AccessToken,
            provider);
    }
}
