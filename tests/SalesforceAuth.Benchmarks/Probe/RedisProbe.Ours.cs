// OURS: wired by lead after merge. Excluded from compilation by SalesforceAuth.Benchmarks.csproj
// (<Compile Remove="**/*.Ours.cs" />) until the distributed cache and Redis acquisition lock (issue 6) are in main.
// To enable: delete that item and fix the lines marked ADAPT. Adds the subject "ours-redis" to `--probe-redis`;
// each child process builds it with the Redis connection string the parent passes.
using Microsoft.Extensions.DependencyInjection;

namespace SalesforceAuth.Benchmarks.Probe;

public static partial class RedisProbe
{
    static partial void AddOurs(List<ProbeSubject> subjects) => subjects.Add(new ProbeSubject(
        "ours-redis",
        (login, redis) => Task.FromResult(ConcurrencyProbe.CreateOurs(login, services =>
        {
            // ADAPT: the second-level cache and the acquisition lock of issue 6.
            services.AddStackExchangeRedisCache(o => o.Configuration = redis);
            services.AddSalesforceRedisAcquisitionLock(redis!);
        }))));
}
