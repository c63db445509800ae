using System.Text.Json;
using StackExchange.Redis;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// The references the probes ship with, so the harness can be checked before our provider is wired: one shared
/// in-flight request per process (the floor for the in-process probe), and a Redis lock (SET NX) with a shared entry
/// (the floor for the multi-process probe).
/// </summary>
public static class ReferenceSubjects
{
    public static readonly ProbeSubject SingleFlight = new("reference-single-flight", (login, _) => Task.FromResult(CreateSingleFlight(login, fetch: null)), IsFloor: true);

    public static readonly ProbeSubject RedisLock = new("reference-redis-lock", CreateRedisLockAsync, IsFloor: true);

    private static ProbeClient CreateSingleFlight(Uri login, Func<CancellationToken, Task<string>>? fetch)
    {
        var http = new HttpClient();
        fetch ??= ct => FetchAsync(http, login, ct);
        Task<string>? inFlight = null;
        var gate = new object();
        return new ProbeClient(
            ct =>
            {
                var task = Volatile.Read(ref inFlight);
                if (task is null)
                {
                    lock (gate)
                    {
                        task = inFlight ??= fetch(CancellationToken.None);
                    }
                }

                return new ValueTask<string>(task.WaitAsync(ct));
            },
            new DisposeAction(() => http.Dispose()));
    }

    private static async Task<ProbeClient> CreateRedisLockAsync(Uri login, string? redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis);
        var db = multiplexer.GetDatabase();
        var http = new HttpClient();
        var owner = Guid.NewGuid().ToString("N");
        var key = "probe:token:" + login.Authority;
        var lockKey = key + ":lock";

        async Task<string> FetchSharedAsync(CancellationToken ct)
        {
            while (true)
            {
                var cached = await db.StringGetAsync(key);
                if (cached.HasValue)
                {
                    return cached!;
                }

                if (await db.StringSetAsync(lockKey, owner, TimeSpan.FromSeconds(10), When.NotExists))
                {
                    try
                    {
                        // Re-check under the lock: the previous holder may have stored the token and released the lock
                        // between this process's read and its SET NX.
                        var stored = await db.StringGetAsync(key);
                        if (stored.HasValue)
                        {
                            return stored!;
                        }

                        var token = await FetchAsync(http, login, ct);
                        await db.StringSetAsync(key, token, TimeSpan.FromMinutes(5));
                        return token;
                    }
                    finally
                    {
                        await db.KeyDeleteAsync(lockKey);
                    }
                }

                await Task.Delay(2, ct);
            }
        }

        var inner = CreateSingleFlight(login, FetchSharedAsync);
        return new ProbeClient(inner.GetToken, new DisposeAction(() =>
        {
            http.Dispose();
            multiplexer.Dispose();
        }));
    }

    /// <summary>One client-credentials token request; returns the access token.</summary>
    public static async Task<string> FetchAsync(HttpClient http, Uri login, CancellationToken ct)
    {
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "3MVG9probe",
            ["client_secret"] = "probe-secret-not-a-secret",
        });
        using var response = await http.PostAsync(new Uri(login, "/services/oauth2/token"), body, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return json.RootElement.GetProperty("access_token").GetString() ?? throw new InvalidOperationException("No access_token.");
    }

    private sealed class DisposeAction(Action action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            action();
            return ValueTask.CompletedTask;
        }
    }
}
