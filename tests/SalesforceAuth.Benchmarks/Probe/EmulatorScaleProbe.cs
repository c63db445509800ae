using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// <c>--probe-emulator-scale</c>: the per-request cost of FakeSalesforce with 1 org against 5,000 orgs × 2 users on 3
/// pods (issue 20: an ISV's test setup; target ratio ≤ 1.2×). Three requests, each sent <c>--requests</c> (400) times in
/// a row over one keep-alive connection per emulator: a REST call (session and org lookups), the identity URL (user by
/// id) and a JWT bearer grant at the shared login service (app, user by username, audience). Both emulators are measured
/// in turn within each of 5 passes; the ratio judged is the median over the passes of (5,000-org time ÷ 1-org time).
/// </summary>
public static class EmulatorScaleProbe
{
    private const int ManyOrgs = 5_000;
    private static readonly string[] Pods = ["na1", "eu2", "ap1"];

    public static async Task<int> RunAsync(List<string> args)
    {
        var requests = Math.Max(10, ProbeOptions.Int(args, "--requests") ?? 400);
        var passes = Math.Max(1, ProbeOptions.Int(args, "--passes") ?? 5);
        using var keys = FakeSalesforceCertificates.CreateKeyPair("CN=emulator scale probe");
        var setup = Stopwatch.StartNew();
        await using var one = await Emulator.StartAsync(keys, orgs: 1);
        await using var many = await Emulator.StartAsync(keys, orgs: ManyOrgs);
        Console.WriteLine($"Emulator scale probe: 1 org against {ManyOrgs:N0} orgs × 2 users on {Pods.Length} pods (set up in {setup.Elapsed.TotalSeconds:0.0} s); {requests} requests per case, {passes} passes; {Infrastructure.MachineLoad.Describe()}.");

        var cases = new (string Name, Func<Emulator, Task> Send)[]
        {
            ("REST call (GET sobjects)", e => e.RestAsync()),
            ("identity URL (GET /id/org/user)", e => e.IdentityAsync()),
            ("JWT bearer grant at the login service", e => e.GrantAsync()),
        };
        var rows = new List<string[]> { new[] { "Request", "1 org (median)", $"{ManyOrgs:N0} orgs (median)", "Ratios per pass", "Median ratio", "Target", "Result" } };
        var failures = 0;
        foreach (var (name, send) in cases)
        {
            // Warm-up: JIT and connections of both emulators.
            await TimeAsync(one, send, requests / 4);
            await TimeAsync(many, send, requests / 4);
            var ones = new List<double>();
            var manys = new List<double>();
            for (var pass = 0; pass < passes; pass++)
            {
                // Alternating in slices of a tenth, so a slow phase of the shared VM hits both emulators alike.
                double oneTime = 0, manyTime = 0;
                for (var slice = 0; slice < 10; slice++)
                {
                    oneTime += await TimeAsync(one, send, requests / 10);
                    manyTime += await TimeAsync(many, send, requests / 10);
                }

                ones.Add(oneTime / 10);
                manys.Add(manyTime / 10);
            }

            var ratios = manys.Select((m, i) => m / ones[i]).ToList();
            var ratio = Median(ratios);
            var pass12 = ratio <= 1.2;
            failures += pass12 ? 0 : 1;
            rows.Add(
            [
                name,
                Micros(Median(ones)),
                Micros(Median(manys)),
                string.Join(" / ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture))),
                ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×",
                "≤ 1.20×",
                pass12 ? "PASS" : "FAIL",
            ]);
        }

        Console.WriteLine();
        Console.WriteLine(Table.Format(rows));
        return failures == 0 ? 0 : 1;
    }

    private static string Micros(double seconds) => (seconds * 1e6).ToString("0", CultureInfo.InvariantCulture) + " µs";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Seconds per request, sent one after another.</summary>
    private static async Task<double> TimeAsync(Emulator emulator, Func<Emulator, Task> send, int count)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await send(emulator);
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds / count;
    }

    /// <summary>A started emulator with its orgs, one user's token, and the clients that call it.</summary>
    private sealed class Emulator : IAsyncDisposable
    {
        private readonly FakeSalesforce _fake;
        private readonly HttpClient _http;
        private readonly SalesforceTokenClient _tokens;
        private readonly SalesforceToken _token;

        private Emulator(FakeSalesforce fake, HttpClient http, SalesforceTokenClient tokens, SalesforceToken token)
        {
            _fake = fake;
            _http = http;
            _tokens = tokens;
            _token = token;
        }

        public static async Task<Emulator> StartAsync(FakeSalesforceKeyPair keys, int orgs)
        {
            var options = new FakeSalesforceOptions { UseHttps = false }; // the per-request cost of the emulator, not of TLS
            options.Pods.Clear();
            foreach (var pod in Pods)
            {
                options.Pods.Add(pod);
            }

            var fake = await FakeSalesforce.StartAsync(options);
            var app = fake.AddConnectedApp(new FakeConnectedApp { Certificate = keys.PublicCertificate, PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized });
            FakeUser? measured = null;
            for (var i = 0; i < orgs; i++)
            {
                var org = fake.AddOrg("customer" + i.ToString(CultureInfo.InvariantCulture), pod: Pods[i % Pods.Length]);
                var first = org.AddUser($"integration@customer{i}.example");
                var second = org.AddUser($"reporting@customer{i}.example");
                app.PreAuthorizedUsers.Add(first);
                app.PreAuthorizedUsers.Add(second);

                // The user measured is in the middle of the org list, not the first one added.
                if (i == orgs / 2)
                {
                    measured = second;
                }
            }

            var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            var tokens = new SalesforceTokenClient(http, new SalesforceClientOptions
            {
                LoginUrl = fake.LoginUrl,
                AllowInsecureLoopback = true,
                ClientId = app.ConsumerKey,
                Username = measured!.Username,
                PrivateKeyPem = keys.PrivateKeyPem,
                CertificatePem = keys.CertificatePem,
                UseIntrospection = false,
                MaxRetries = 0,
            });
            var token = await tokens.RequestTokenAsync();
            return new Emulator(fake, http, tokens, token);
        }

        public Task RestAsync() => GetAsync(new Uri(_token.InstanceUrl, "/services/data/v62.0/sobjects"));

        public Task IdentityAsync() => GetAsync(_token.IdentityUrl!);

        public Task GrantAsync() => _tokens.RequestTokenAsync();

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _fake.DisposeAsync();
        }

        private async Task GetAsync(Uri uri)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token.AccessToken);
            using var response = await _http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
        }
    }
}
