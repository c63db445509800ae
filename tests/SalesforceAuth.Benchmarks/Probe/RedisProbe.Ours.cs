// OURS: adds the subject "ours-redis" to `--probe-redis`: our provider with AddSalesforceRedis (encrypted shared entries
// and the fleet-wide acquisition lock); each child process builds it with the Redis connection string the parent passes.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth.Benchmarks.Probe;

public static partial class RedisProbe
{
    static partial void AddOurs(List<ProbeSubject> subjects) => subjects.Add(new ProbeSubject(
        "ours-redis",
        (login, redis) =>
        {
            ArgumentNullException.ThrowIfNull(redis);
            return Task.FromResult(ConcurrencyProbe.CreateOurs(login, services =>
                services.AddSalesforceRedis(redis, o => o.EncryptionKey = ProbeEncryptionKey(redis))));
        }));

    /// <summary>
    /// The 4 processes must share one entry key; it is derived from this run's Redis endpoint (a throwaway redis-server
    /// on a random port), so no key is committed and every run gets its own.
    /// </summary>
    private static string ProbeEncryptionKey(string redis) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("SalesforceAuth.Benchmarks redis probe " + redis)));
}
