using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.TestSupport.ScriptedHandler;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>
/// Refresh token rotation under chaos: many concurrent callers of one connection, a refresh token store whose reads and
/// saves are delayed at random and fail at random (before or after the write lands), and a restart in between (a new
/// client reading the store), against a token endpoint that rotates the refresh token on every refresh, retires the old
/// one, and revokes the whole chain when a retired one is presented again (Salesforce Help, Knowledge Article 005316711
/// on refresh token rotation, https://help.salesforce.com/s/articleView?id=005316711&amp;type=1).
/// After every run three invariants must hold: (1) at most one refresh of the chain is in flight, a refresh being in
/// flight from the moment Salesforce receives it until its rotated token is saved; (2) saves land in rotation order;
/// (3) the store ends on the chain's current token, and the chain was never revoked. Delays are yields, never sleeps;
/// the seed is printed and <c>SALESFORCEAUTH_FUZZ_SEED</c> replays its choices (thread interleavings still vary).
/// </summary>
public sealed class RefreshTokenRotationChaosTests(ITestOutputHelper output)
{
    private const string SeedVariable = "SALESFORCEAUTH_FUZZ_SEED";
    private const int Runs = 150;
    private const int Callers = 12;
    private const int CallsPerCaller = 6;

    [Fact]
    public async Task RequestTokenAsync_ConcurrentCallersFlakySlowStoreAndRestart_OneRefreshInFlightSavesInOrderStoreNeverRetired()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var configured)
            ? configured
            : string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? 20261202 : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with {SeedVariable}={seed})");
        var chaos = new Chaos(seed);
        var totals = new Totals();

        for (var run = 0; run < Runs; run++)
        {
            var salesforce = new RotatingChain($"5Aep861CHAOS{run}-", chaos);
            var store = new ChaoticStore(salesforce, chaos);
            using var handler = new ScriptedHandler(salesforce.RespondAsync);

            // Two lifetimes of the process on one store: the second starts from whatever the first left in the store.
            for (var life = 0; life < 2; life++)
            {
                var client = new SalesforceTokenClient(new HttpClient(handler), Options(), new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)), refreshTokenStore: store);
                store.Failing = true;
                // Not a timing assumption: a generous bound that turns a deadlock into a failure instead of a hung build.
                await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => CallerAsync(client, chaos, totals))).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

                // The store recovers before the process stops, so a rotation whose save failed lands now. (A process
                // that stops while its store still refuses the save loses the new token: nothing can prevent that.)
                store.Failing = false;
                await CallAsync(client, totals);
            }

            if (!string.Equals(store.Durable, salesforce.Current, StringComparison.Ordinal))
            {
                salesforce.Violation(3, $"the store ended on generation {salesforce.Generation(store.Durable)}, the chain is at {salesforce.Generation(salesforce.Current)}");
            }

            totals.Add(run, salesforce, store);
        }

        // Every run is played to the end, so a failure shows how often each invariant broke, not just the first break.
        output.WriteLine(totals.ToString());
        Assert.True(totals.Violations.Count == 0, $"seed {seed}: {totals}. First violations: {string.Join("; ", totals.Violations.Take(6))}");
        Assert.Equal(0, totals.Unexpected);
    }

    private static SalesforceClientOptions Options() => new()
    {
        LoginUrl = new Uri("https://acme.my.salesforce.com"),
        Flow = SalesforceFlow.RefreshToken,
        ClientId = "3MVG9chaosConsumerKey",
        ClientSecret = "SECRET",
        UseIntrospection = false,
        AttemptTimeout = TimeSpan.FromMinutes(10),
        TotalTimeout = TimeSpan.FromMinutes(30),
    };

    private static async Task CallerAsync(SalesforceTokenClient client, Chaos chaos, Totals totals)
    {
        for (var call = 0; call < CallsPerCaller; call++)
        {
            await chaos.PauseAsync(30);
            await CallAsync(client, totals);
        }
    }

    private static async Task CallAsync(SalesforceTokenClient client, Totals totals)
    {
        try
        {
            await client.RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken);
            Interlocked.Increment(ref totals.Succeeded);
        }
        catch (SalesforceAuthenticationException ex) when (ex.IsTransient && ex.InnerException is IOException)
        {
            // The store refused the save of a rotated token: the typed error, the new token kept for the next call.
            Interlocked.Increment(ref totals.SaveErrorsSurfaced);
        }
        catch (IOException)
        {
            // The store could not be read.
            Interlocked.Increment(ref totals.ReadErrorsSurfaced);
        }
#pragma warning disable CA1031 // Counted and asserted zero: a revoked chain, a wrong error type.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref totals.Unexpected);
        }
    }

    /// <summary>Seeded choices shared by every task (locked: <see cref="Random"/> is not thread-safe).</summary>
    private sealed class Chaos(int seed)
    {
        private readonly Random _random = new(seed);

        public int Next(int maxExclusive)
        {
            lock (_random)
            {
                return _random.Next(maxExclusive);
            }
        }

        public bool Chance(double probability)
        {
            lock (_random)
            {
                return _random.NextDouble() < probability;
            }
        }

        /// <summary>A controlled delay: a random number of yields to the thread pool, so other work interleaves.</summary>
        public async Task PauseAsync(int maxYields)
        {
            for (var i = Next(maxYields); i > 0; i--)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>
    /// Salesforce's side of one refresh token chain with rotation: each refresh retires the token it was sent and issues
    /// the next; a retired token presented again revokes the chain (every later refresh fails).
    /// </summary>
    private sealed class RotatingChain
    {
        private readonly List<string> _issued = [];
        private readonly Chaos _chaos;
        private readonly string _prefix;
        private int _atSalesforce;

        public RotatingChain(string prefix, Chaos chaos)
        {
            _prefix = prefix;
            _chaos = chaos;
            _issued.Add(prefix + "0");
        }

        /// <summary>Guards the chain and its store alike: one lock, so checks spanning both cannot deadlock.</summary>
        public object Gate { get; } = new();

        public ChaoticStore? Store { get; set; }

        public List<(int Invariant, string What)> Violations { get; } = [];

        public int Rotations { get; private set; }

        public bool Revoked { get; private set; }

        public string Current
        {
            get
            {
                lock (Gate)
                {
                    return _issued[^1];
                }
            }
        }

        public void Violation(int invariant, string what)
        {
            lock (Gate)
            {
                Violations.Add((invariant, what));
            }
        }

        public int Generation(string? token)
        {
            lock (Gate)
            {
                return token is null ? -1 : _issued.IndexOf(token);
            }
        }

        public async Task<HttpResponseMessage> RespondAsync(Recorded request)
        {
            var sent = request.Form["refresh_token"];
            var concurrent = Interlocked.Increment(ref _atSalesforce);
            try
            {
                lock (Gate)
                {
                    // Invariant 1: no refresh reaches Salesforce while another is in flight (at Salesforce, or its
                    // rotated token not yet in the store).
                    if (concurrent > 1)
                    {
                        Violations.Add((1, "two refreshes of the chain at Salesforce at once"));
                    }
                    else if (Store is { } store && !string.Equals(store.Durable, _issued[^1], StringComparison.Ordinal))
                    {
                        Violations.Add((1, $"a refresh reached Salesforce while rotation {_issued.Count - 1} was not yet saved"));
                    }
                }

                await _chaos.PauseAsync(20);
                lock (Gate)
                {
                    var generation = _issued.IndexOf(sent);
                    if (!Revoked && generation >= 0 && generation < _issued.Count - 1)
                    {
                        Revoked = true;
                        Violations.Add((3, $"retired refresh token (generation {generation} of {_issued.Count - 1}) replayed: chain revoked"));
                    }

                    if (Revoked || generation < 0)
                    {
                        return Json(400, """{"error":"invalid_grant","error_description":"expired access/refresh token"}""");
                    }

                    _issued.Add(_prefix + _issued.Count.ToString(CultureInfo.InvariantCulture));
                    Rotations++;
                    return Json(200, $$"""{"access_token":"00D5g00000CHAOS!AQ0{{_issued.Count}}","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA","token_type":"Bearer","refresh_token":"{{_issued[^1]}}"}""");
                }
            }
            finally
            {
                Interlocked.Decrement(ref _atSalesforce);
            }
        }
    }

    /// <summary>
    /// A durable store with random delays on every read and save, and random failures: before the write (nothing
    /// stored) or after it (stored, but the caller is told it failed). Checks invariant 2 as each write lands.
    /// </summary>
    private sealed class ChaoticStore : ISalesforceRefreshTokenStore
    {
        private readonly object _gate;
        private readonly RotatingChain _chain;
        private readonly Chaos _chaos;
        private string _durable;

        public ChaoticStore(RotatingChain chain, Chaos chaos)
        {
            _chain = chain;
            _chaos = chaos;
            _gate = chain.Gate;
            _durable = chain.Current;
            chain.Store = this;
        }

        public volatile bool Failing;

        public int Saves { get; private set; }

        public int FailedBeforeWrite { get; private set; }

        public int FailedAfterWrite { get; private set; }

        public int FailedReads { get; private set; }

        public string Durable
        {
            get
            {
                lock (_gate)
                {
                    return _durable;
                }
            }
        }

        public async Task<string?> GetAsync(CancellationToken cancellationToken = default)
        {
            await _chaos.PauseAsync(20);
            if (Failing && _chaos.Chance(0.03))
            {
                lock (_gate)
                {
                    FailedReads++;
                }

                throw new IOException("the database is down");
            }

            return Durable;
        }

        public async Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            await _chaos.PauseAsync(40);
            if (Failing && _chaos.Chance(0.1))
            {
                lock (_gate)
                {
                    FailedBeforeWrite++;
                }

                throw new IOException("the database is down");
            }

            lock (_gate)
            {
                // Invariant 2: each write moves the store forward along the chain, from the token it replaces. A retry
                // of a write that already landed (the failure came after it) is the only write that moves nothing.
                if (!string.Equals(refreshToken, _durable, StringComparison.Ordinal))
                {
                    var from = _chain.Generation(_durable);
                    var to = _chain.Generation(refreshToken);
                    if (to <= from || !string.Equals(previousRefreshToken, _durable, StringComparison.Ordinal))
                    {
                        _chain.Violation(2, $"save out of order: generation {to} (replacing {_chain.Generation(previousRefreshToken)}) over {from}");
                    }

                    _durable = refreshToken;
                    Saves++;
                }
            }

            await _chaos.PauseAsync(10);
            if (Failing && _chaos.Chance(0.05))
            {
                lock (_gate)
                {
                    FailedAfterWrite++;
                }

                throw new IOException("the database timed out after the write");
            }
        }
    }

    private sealed class Totals
    {
        public int Succeeded;
        public int SaveErrorsSurfaced;
        public int ReadErrorsSurfaced;
        public int Unexpected;
        private readonly int[] _broken = new int[4];
        private int _runs;
        private int _rotations;
        private int _saves;
        private int _failedBeforeWrite;
        private int _failedAfterWrite;
        private int _failedReads;
        private int _revoked;

        public List<string> Violations { get; } = [];

        public void Add(int run, RotatingChain chain, ChaoticStore store)
        {
            _runs++;
            _rotations += chain.Rotations;
            _saves += store.Saves;
            _failedBeforeWrite += store.FailedBeforeWrite;
            _failedAfterWrite += store.FailedAfterWrite;
            _failedReads += store.FailedReads;
            _revoked += chain.Revoked ? 1 : 0;
            foreach (var invariant in chain.Violations.Select(v => v.Invariant).Distinct())
            {
                _broken[invariant]++;
            }

            Violations.AddRange(chain.Violations.Select(v => $"run {run}, invariant {v.Invariant}: {v.What}").Take(2));
        }

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{_runs} runs (each {Callers} callers x {CallsPerCaller} calls, a restart, {Callers} x {CallsPerCaller} more): {_rotations} rotations, {_saves} saves landed; store faults injected: {_failedBeforeWrite} saves failed before the write, {_failedAfterWrite} after it, {_failedReads} reads failed; calls: {Succeeded} succeeded, {SaveErrorsSurfaced} save errors and {ReadErrorsSurfaced} read errors surfaced, {Unexpected} unexpected; runs breaking invariant 1 (one refresh in flight): {_broken[1]}, 2 (saves in order): {_broken[2]}, 3 (store never on a retired token, no revocation): {_broken[3]} ({_revoked} chains revoked)");
    }
}
