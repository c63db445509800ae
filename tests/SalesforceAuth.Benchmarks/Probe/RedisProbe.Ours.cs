// OURS: adds the subject "ours-redis" to `--probe-redis`: our provider with AddSalesforceRedis (encrypted shared entries
// and the fleet-wide acquisition lock); each child process builds it with the Redis connection string the parent passes.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Benchmarks.Probe;

public static partial class RedisProbe
{
    static partial void AddOurs(List<ProbeSubject> subjects) => subjects.Add(new ProbeSubject(
        "ours-redis",
        async (login, redis) =>
        {
            ArgumentNullException.ThrowIfNull(redis);
            var (client, provider) = ConcurrencyProbe.CreateOursWithServices(login, services =>
                services.AddSalesforceRedis(redis, o => o.EncryptionKey = ProbeEncryptionKey(redis)));

            // Connected before READY, like the reference (it connects in its factory): our store connects lazily, and
            // a first connection inside the burst on a loaded machine can exceed its operation timeout, after which
            // the process rightly falls back to its in-process cache. A read of an unrelated key connects it and
            // leaves the probe's key cold.
            var warmUp = TokenCacheKey.Create("warm-up", new SalesforceClientOptions { LoginUrl = new Uri("https://warm-up.invalid"), ClientId = "warm-up", Username = "warm-up" }, null);
            _ = await provider.GetRequiredService<ITokenSecondLevel>().TryGetAsync(warmUp, CancellationToken.None);
            return client;
        }));

    /// <summary>
    /// The 4 processes must share one entry key; it is derived from this run's Redis endpoint (a throwaway redis-server
    /// on a random port), so no key is committed and every run gets its own.
    /// </summary>
    private static string ProbeEncryptionKey(string redis) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("SalesforceAuth.Benchmarks redis probe " + redis)));
}
