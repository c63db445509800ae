using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Benchmarks.Infrastructure;
using SalesforceAuth.Tokens;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// <c>--probe-tenants</c>: connections resolved at run time at scale (issue 20), one <see cref="HttpClient"/> for all,
/// against an in-process token endpoint (every org on its own My Domain, client credentials) and an in-memory REST
/// terminal. Three measurements, each judged in the same run:
/// <list type="number">
/// <item>Memory: 100,000 tenants each used once (one call through the handler), then idle and trimmed: managed bytes
/// per cached token (the tenant with its settings, token client, manager and token) and per idle tenant after
/// trimming, from full-collection heap sizes. Targets ≤ 2 KB and ≤ 1 KB.</item>
/// <item>Hot path: a call for a cached tenant while 100,000 are cached, against the same call while one is cached (the
/// single-connection hot path), in alternating passes; the median ratio of the passes and the bytes allocated per
/// call. Targets ≤ 1.1× and the same allocations.</item>
/// <item>Cold: 10,000 tenants, none resolved, 64 concurrent callers each, all at once: exactly one token request and
/// one resolution per tenant, no caller failed.</item>
/// </list>
/// </summary>
public static class TenantsProbe
{
    private const int Passes = 5;

    public static async Task<int> RunAsync(List<string> args)
    {
        var tenants = ProbeOptions.Int(args, "--tenants") ?? 100_000;
        var coldTenants = ProbeOptions.Int(args, "--cold-tenants") ?? 10_000;
        var callers = ProbeOptions.Int(args, "--callers") ?? 64;
        var calls = ProbeOptions.Int(args, "--calls") ?? 200_000;
        Console.WriteLine($"Tenants probe: {tenants:N0} tenants, hot path {calls:N0} calls × {Passes} passes, cold {coldTenants:N0} tenants × {callers} callers; {MachineLoad.Describe()}.");

        var failures = 0;
        var rows = new List<string[]> { new[] { "Measure", "Value", "Target", "Result" } };
        void Row(string measure, string value, string target, bool pass)
        {
            rows.Add([measure, value, target, pass ? "PASS" : "MISS"]);
            failures += pass ? 0 : 1;
        }

        // The single-connection baseline: one tenant cached.
        using (var one = new Subject())
        {
            await one.UseAsync(1);
            using var many = new Subject();
            var baseline = HeapBytes();
            await many.ResolveAsync(tenants);
            var resolved = HeapBytes();
            await many.UseAsync(tenants);
            var cached = HeapBytes();
            var perSettings = (double)(resolved - baseline) / tenants;
            var perToken = (double)(cached - resolved) / tenants;

            var hot = HotPath(one, many, tenants, calls);
            Row($"Hot path, {tenants:N0} tenants cached, same tenant (ratio to 1 cached, median of {Passes})", $"{hot.SameRatio:F2}x ({string.Join(" ", hot.SamePasses.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))})", "≤ 1.10x", hot.SameRatio <= 1.10);
            Row($"Hot path, {tenants:N0} tenants cached, round robin over all (ratio to 1 cached)", $"{hot.RoundRobinRatio:F2}x ({string.Join(" ", hot.RoundRobinPasses.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))})", "information", pass: true);
            Row("Hot path time per call: 1 cached / 100,000 cached", $"{hot.OneNs:F0} ns / {hot.ManyNs:F0} ns", string.Empty, pass: true);
            Row("Hot path allocated per call: 1 cached / 100,000 cached", $"{hot.OneBytes:F0} B / {hot.ManyBytes:F0} B", "same", Math.Abs(hot.OneBytes - hot.ManyBytes) < 1);

            many.Clock.Advance(TimeSpan.FromHours(2));
            many.Registry.Trim();
            var trimmed = HeapBytes();
            var perIdle = (double)(trimmed - baseline) / tenants;
            Row($"Managed bytes per cached token ({tenants:N0} tenants, each used once)", $"{perToken:N0} B", "≤ 2,048 B", perToken <= 2048);
            Row("Managed bytes per resolved tenant before its first token (settings, manager, slot)", $"{perSettings:N0} B", "information", pass: true);
            Row("Managed bytes per active tenant (resolved, with its token)", $"{perSettings + perToken:N0} B", "information", pass: true);
            Row($"Managed bytes per idle tenant after trimming (held: {many.Registry.Count})", $"{Math.Max(0, perIdle):N0} B", "≤ 1,024 B", perIdle <= 1024);
            GC.KeepAlive(many);
        }

        using (var cold = new Subject { CountPerHost = true })
        {
            var (requests, resolutions, failed, elapsed) = await ColdAsync(cold, coldTenants, callers);
            Row($"Cold: {coldTenants:N0} tenants × {callers} concurrent callers ({coldTenants * callers:N0} callers in {elapsed.TotalSeconds:F1} s)", $"{requests:N0} token requests, {resolutions:N0} resolutions, {failed} failed", $"{coldTenants:N0} and {coldTenants:N0}, 0 failed", requests == coldTenants && resolutions == coldTenants && failed == 0 && cold.Endpoint.MaxPerHost == 1);
        }

        Console.WriteLine();
        Console.WriteLine(Table.Format(rows));
        return failures == 0 ? 0 : 1;
    }

    private static long HeapBytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static (double SameRatio, double[] SamePasses, double RoundRobinRatio, double[] RoundRobinPasses, double OneNs, double ManyNs, double OneBytes, double ManyBytes) HotPath(Subject one, Subject many, int tenants, int calls)
    {
        var ids = Enumerable.Range(0, tenants).Select(Subject.Id).ToArray();
        var single = new[] { Subject.Id(0) };
        var middle = new[] { Subject.Id(tenants / 2) };

        // Warm-up of both (JIT to the optimized tier).
        Measure(one, single, calls);
        Measure(many, middle, calls);
        Measure(many, ids, calls);
        var same = new double[Passes];
        var roundRobin = new double[Passes];
        (double Ns, double Bytes) oneLast = default, manyLast = default;
        for (var pass = 0; pass < Passes; pass++)
        {
            oneLast = Measure(one, single, calls);
            manyLast = Measure(many, middle, calls);
            var all = Measure(many, ids, calls);
            same[pass] = manyLast.Ns / oneLast.Ns;
            roundRobin[pass] = all.Ns / oneLast.Ns;
        }

        return (Median(same), same, Median(roundRobin), roundRobin, oneLast.Ns, manyLast.Ns, oneLast.Bytes, manyLast.Bytes);
    }

    private static (double Ns, double Bytes) Measure(Subject subject, string[] ids, int calls)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Subject.InstanceUri(ids[i % ids.Length])).SetSalesforceConnection(ids[i % ids.Length]);
            var send = subject.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!send.IsCompletedSuccessfully || send.Result.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("A hot-path call did not complete synchronously with 200: the token was not cached.");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalNanoseconds / calls, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls);
    }

    private static async Task<(int Requests, int Resolutions, int Failed, TimeSpan Elapsed)> ColdAsync(Subject subject, int tenants, int callers)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = 0;
        var all = new List<Task>(tenants * callers);
        using var go = new ManualResetEventSlim();
        for (var t = 0; t < tenants; t++)
        {
            var id = Subject.Id(t);
            for (var c = 0; c < callers; c++)
            {
                all.Add(Task.Run(async () =>
                {
                    try
                    {
                        await subject.Connections.GetTokenAsync(id).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }));
            }
        }

        await Task.WhenAll(all).ConfigureAwait(false);
        return (subject.Endpoint.TokenRequests, subject.Resolutions, failed, Stopwatch.GetElapsedTime(started));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>One container: the connections, one HttpClient on an in-memory terminal, the in-process token endpoint.</summary>
    private sealed class Subject : IDisposable
    {
        private readonly ServiceProvider _services;
        private int _resolutions;

        public Subject()
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSalesforceConnections((id, _) =>
            {
                Interlocked.Increment(ref _resolutions);
                return ValueTask.FromResult<SalesforceConnectionSettings?>(new SalesforceConnectionSettings(new SalesforceClientOptions
                {
                    // Client credentials (the org's Run As user) without introspection: one round trip, no signing, so
                    // the probe measures the connections, not 100,000 RSA signatures.
                    Flow = SalesforceFlow.ClientCredentials,
                    LoginUrl = new Uri($"https://{id}.my.salesforce.com"),
                    ClientId = "3MVG9isv",
                    ClientSecret = "probe-secret-not-a-secret",
                    UseIntrospection = false,
                }));
            });
            services.AddHttpClient("salesforce").AddSalesforceTokenHandler()
                .RemoveAllLoggers()
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => Terminal);
            services.AddHttpClient(SalesforceTokenClient.HttpClientName)
                .RemoveAllLoggers()
                .ConfigurePrimaryHttpMessageHandler(() => Endpoint);
            _services = services.BuildServiceProvider();
            Client = _services.GetRequiredService<IHttpClientFactory>().CreateClient("salesforce");
            Registry = _services.GetRequiredService<SalesforceConnectionRegistry>();
            Connections = Registry;
        }

        public ManualClock Clock { get; } = new();

        public TerminalHandler Terminal { get; } = new();

        public OrgsTokenEndpoint Endpoint { get; } = new();

        /// <summary>Whether the endpoint counts requests per host (its own memory, kept out of the memory measurement).</summary>
        public bool CountPerHost
        {
            get => Endpoint.CountPerHost;
            init => Endpoint.CountPerHost = value;
        }

        public HttpClient Client { get; }

        public SalesforceConnectionRegistry Registry { get; }

        public ISalesforceConnections Connections { get; }

        public int Resolutions => Volatile.Read(ref _resolutions);

        public static string Id(int i) => "t" + i.ToString("D6", CultureInfo.InvariantCulture);

        public static Uri InstanceUri(string id) => new($"https://{id}.my.salesforce.com/services/data/v62.0/limits");

        /// <summary>Each tenant resolved, no token yet.</summary>
        public async Task ResolveAsync(int tenants)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, tenants), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await Registry.GetManagerAsync(Id(i), ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        /// <summary>Each tenant used once through the handler (a few at a time, as a service onboarding them would).</summary>
        public async Task UseAsync(int tenants)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, tenants), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "services/data/v62.0/limits").SetSalesforceConnection(Id(i));
                // Not disposed: the terminal hands out one shared response.
                _ = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        public void Dispose() => _services.Dispose();
    }

    /// <summary>A clock that only moves when told (idle trimming without waiting for it).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

        public override long GetTimestamp() =>
            System.GetTimestamp() + (long)(Interlocked.Read(ref _offsetTicks) * (TimestampFrequency / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>The token endpoint of every org: a token for the My Domain it was asked on, with that host as instance.</summary>
    private sealed class OrgsTokenEndpoint : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, int> _byHost = new(StringComparer.OrdinalIgnoreCase);
        private int _requests;

        public int TokenRequests => Volatile.Read(ref _requests);

        public bool CountPerHost { get; set; }

        public int MaxPerHost => _byHost.IsEmpty ? 0 : _byHost.Values.Max();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Completes on another thread, as a network answer would: concurrent callers really overlap the request.
            await Task.Yield();
            var host = request.RequestUri!.Host;
            var n = Interlocked.Increment(ref _requests);
            if (CountPerHost)
            {
                _byHost.AddOrUpdate(host, 1, (_, c) => c + 1);
            }

            var json = $$"""{"access_token":"00Dxx0000000001!AQ4AQ{{n:D8}}NotASecretTokenValueForTheProbe0123456789abcdefghijklmnopqrstuvwxyz","instance_url":"https://{{host}}","id":"https://login.salesforce.com/id/00Dxx0000000001EAA/005xx000001X8UzAAK","token_type":"Bearer","issued_at":"1763942400000","scope":"api"}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json"), RequestMessage = request };
        }
    }
}
