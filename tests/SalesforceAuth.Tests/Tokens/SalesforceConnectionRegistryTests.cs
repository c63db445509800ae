using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Internal;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>
/// Connections resolved at run time behind one <see cref="HttpClient"/>: each tenant its own token, host, renewal and
/// errors; resolved once; reloaded, removed, trimmed and evicted without touching the others.
/// </summary>
public sealed class SalesforceConnectionRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneClient_ManyTenantsCallingAtOnce_EachGetsItsOwnTokenAndHost_ResolvedOnceWithOneTokenRequest()
    {
        using var env = new Env();
        var tenants = Enumerable.Range(1, 8).Select(i => $"t{i}").ToArray();

        var calls = tenants.SelectMany(t => Enumerable.Range(0, 16).Select(_ => env.GetAsync(t))).ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(responses, r => Assert.Equal(TenantOrgsHandler.Host(r.Tenant), r.Host));
        Assert.Equal(0, env.Orgs.CrossTenant);
        Assert.All(tenants, t => Assert.Equal(1, env.Orgs.TokenRequests(t)));
        Assert.All(tenants, t => Assert.Equal(1, env.Directory.Lookups(t)));
        Assert.Equal(tenants.Length, env.Connections.Count);
    }

    [Fact]
    public async Task ClientForManyConnections_NoneNamedOnTheRequest_SaysHowToNameOneAndSendsNothing()
    {
        using var env = new Env();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => env.Client.GetAsync("services/data/v62.0/limits", Ct));

        Assert.Contains("request.SetSalesforceConnection(connectionId)", error.Message, StringComparison.Ordinal);
        Assert.Empty(env.Orgs.ApiCallsByHost);
        Assert.Empty(env.Orgs.TokenRequestsByHost);
    }

    [Fact]
    public async Task ConfiguredConnection_NamedOnTheRequest_UsedWithoutAskingTheResolver()
    {
        using var env = new Env(services => services.AddSalesforceClient("crm", o =>
        {
            o.Flow = SalesforceFlow.RefreshToken;
            o.ClientId = "3MVG9crm";
            o.RefreshToken = "5Aep-crm";
            o.LoginUrl = new Uri("https://crm.my.salesforce.com");
        }));

        var response = await env.GetAsync("crm");

        Assert.Equal("crm.my.salesforce.com", response.Host);
        Assert.Equal(0, env.Directory.Lookups("crm"));
        Assert.Equal(0, env.Connections.Count);
        Assert.False(env.Connections.Reload("crm"));
    }

    [Fact]
    public async Task BadTenant_TypedErrorNamingTheTenantAndSetting_OtherTenantsUnaffected_AskedAgainNextTime()
    {
        using var env = new Env();
        env.Directory.Set("bad", o => o.LoginUrl = new Uri("http://bad.my.salesforce.com"));

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => env.GetAsync("bad"));
        var good = await env.GetAsync("good");

        Assert.Equal("LoginUrl", error.Setting);
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.Status);

        // A failure is not cached: the tenant's settings may be fixed meanwhile.
        env.Directory.Set("bad", _ => { });
        Assert.Equal(HttpStatusCode.OK, (await env.GetAsync("bad")).Status);
        Assert.Equal(2, env.Directory.Lookups("bad"));
    }

    [Fact]
    public async Task UnknownTenant_ConfigurationExceptionNamingTheId()
    {
        using var env = new Env();
        env.Directory.Unknown.Add("ghost");

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => env.Connections.GetTokenAsync("ghost", cancellationToken: Ct).AsTask());

        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithoutConnection_RequestNamingNone_Refused()
    {
        using var env = new Env();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits");

        await Assert.ThrowsAsync<InvalidOperationException>(() => env.Client.SendAsync(request, Ct));
    }

    [Fact]
    public async Task Reload_MovedMyDomain_NextCallsGoToTheNewHost_OtherTenantKeepsItsToken()
    {
        using var env = new Env();
        await env.GetAsync("acme");
        await env.GetAsync("globex");

        env.Directory.Set("acme", o => o.LoginUrl = new Uri("https://acme-moved.my.salesforce.com"));
        Assert.True(env.Connections.Reload("acme"));
        var moved = await env.GetAsync("acme");
        var other = await env.GetAsync("globex");

        Assert.Equal("acme-moved.my.salesforce.com", moved.Host);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(1, env.Orgs.TokenRequests("globex"));
        Assert.Equal(2, env.Directory.Lookups("acme"));
        Assert.Equal(0, env.Orgs.CrossTenant);
    }

    [Fact]
    public async Task RemoveAsync_WithRevocation_RevokesItsTokensOnly_ThenResolvesAgainWhenUsed()
    {
        using var env = new Env();
        var acme = await env.Connections.GetTokenAsync("acme", cancellationToken: Ct);
        var globex = await env.Connections.GetTokenAsync("globex", cancellationToken: Ct);

        Assert.True(await env.Connections.RemoveAsync("acme", revokeTokens: true, Ct));

        Assert.Contains(acme.AccessToken, env.Orgs.Revoked);
        Assert.Contains("5Aep-acme", env.Orgs.Revoked);
        Assert.DoesNotContain(globex.AccessToken, env.Orgs.Revoked);
        Assert.Equal(1, env.Connections.Count);
        Assert.Same(globex, await env.Connections.GetTokenAsync("globex", cancellationToken: Ct));
        Assert.False(await env.Connections.RemoveAsync("acme", revokeTokens: true, Ct));

        var again = await env.Connections.GetTokenAsync("acme", cancellationToken: Ct);
        Assert.NotEqual(acme.AccessToken, again.AccessToken);
        Assert.Equal(2, env.Directory.Lookups("acme"));
    }

    [Fact]
    public async Task Trim_TenantIdleForTheIdleTimeout_Dropped_BusyOneKept_ResolvedAgainWhenSeenAgain()
    {
        var clock = TestManagers.Clock();
        using var env = new Env(services => services.AddSingleton<TimeProvider>(clock), idleTimeout: TimeSpan.FromMinutes(20));
        await env.Connections.GetTokenAsync("idle", cancellationToken: Ct);
        await env.Connections.GetTokenAsync("busy", cancellationToken: Ct);

        clock.Advance(TimeSpan.FromMinutes(15));
        await env.Connections.GetTokenAsync("busy", cancellationToken: Ct);
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, env.Connections.Count);
        await env.Connections.GetTokenAsync("idle", cancellationToken: Ct);
        Assert.Equal(2, env.Directory.Lookups("idle"));
        Assert.Equal(1, env.Directory.Lookups("busy"));
        Assert.Equal(2, env.Orgs.TokenRequests("idle"));
    }

    [Fact]
    public async Task Trim_RefreshTokenRotatedWithoutAStore_TenantKept_SoTheOldTokenIsNeverPresentedAgain()
    {
        var clock = TestManagers.Clock();
        using var env = new Env(services => services.AddSingleton<TimeProvider>(clock), idleTimeout: TimeSpan.FromMinutes(20), maxCachedTokens: 1);
        env.Orgs.RotateRefreshTokens = true;
        await env.Connections.GetTokenAsync("rotated", cancellationToken: Ct);

        clock.Advance(TimeSpan.FromMinutes(30));
        env.Orgs.RotateRefreshTokens = false;
        await env.Connections.GetTokenAsync("other", cancellationToken: Ct);

        // Neither idle nor over the cap did it go: resolved again it would send 5Aep-rotated, which rotation retired.
        Assert.Equal(2, env.Connections.Count);
        await env.Connections.GetTokenAsync("rotated", cancellationToken: Ct);
        Assert.Equal(1, env.Directory.Lookups("rotated"));
        Assert.Equal(1, env.Orgs.TokenRequests("rotated"));
    }

    [Fact]
    public async Task MaxCachedTokens_Exceeded_LeastRecentlyUsedTenantDropped_ResolvedAndAcquiredAgainOnNextUse()
    {
        var clock = TestManagers.Clock();
        using var env = new Env(services => services.AddSingleton<TimeProvider>(clock), maxCachedTokens: 3);
        foreach (var tenant in new[] { "a", "b", "c" })
        {
            await env.GetAsync(tenant);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await env.GetAsync("a");
        clock.Advance(TimeSpan.FromSeconds(1));
        await env.GetAsync("d");

        // Each tenant is one cached token (its own) and goes with it: b, the least recently used, went.
        Assert.Equal(3, env.Connections.Count);
        foreach (var tenant in new[] { "a", "c", "d" })
        {
            await env.GetAsync(tenant);
            Assert.Equal(1, env.Directory.Lookups(tenant));
            Assert.Equal(1, env.Orgs.TokenRequests(tenant));
        }

        Assert.Equal(HttpStatusCode.OK, (await env.GetAsync("b")).Status);
        Assert.Equal(2, env.Directory.Lookups("b"));
        Assert.Equal(2, env.Orgs.TokenRequests("b"));
    }

    [Fact]
    public async Task TinyCap_TenantsEvictedAndResolvedAgainWhileOthersCall_NoCrossTenantTokenNoFailure()
    {
        using var env = new Env(maxCachedTokens: 3);
        var tenants = Enumerable.Range(1, 12).Select(i => $"t{i}").ToArray();
        using var done = new CancellationTokenSource();
        var walked = new List<(string Tenant, HttpStatusCode Status, string Host)>();
        async Task WalkAsync()
        {
            foreach (var tenant in tenants)
            {
                walked.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => env.GetAsync(tenant))));
            }
        }

        // Alone first: each new tenant takes the cache over its cap and evicts the least recently used.
        await WalkAsync();
        Assert.Equal(3, env.Connections.Count);

        // Then twice more with callers of every tenant throughout, so that evictions meet calls on the way.
        var background = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var results = new List<(string Tenant, HttpStatusCode Status, string Host)>();
            for (var i = worker; !done.IsCancellationRequested; i++)
            {
                results.Add(await env.GetAsync(tenants[i % tenants.Length]));
            }

            return results;
        })).ToArray();
        await WalkAsync();
        await WalkAsync();

        await done.CancelAsync();
        var responses = walked.Concat((await Task.WhenAll(background)).SelectMany(r => r)).ToList();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(responses, r => Assert.Equal(TenantOrgsHandler.Host(r.Tenant), r.Host));
        Assert.Equal(0, env.Orgs.CrossTenant);
    }

    [Fact]
    public async Task RemoveAsync_WithRevocation_RefreshTokenRotatedInMemory_RevokesTheCurrentOne()
    {
        using var env = new Env();
        env.Orgs.RotateRefreshTokens = true;
        var first = await env.Connections.GetTokenAsync("acme", cancellationToken: Ct);

        Assert.True(await env.Connections.RemoveAsync("acme", revokeTokens: true, Ct));

        // The first refresh rotated 5Aep-acme away: the chain's current token is the one that ends its sessions.
        var issued = first.AccessToken.Split('!')[1];
        Assert.Contains($"acme.my.salesforce.com-rt!{issued}", env.Orgs.Revoked);
        Assert.Contains(first.AccessToken, env.Orgs.Revoked);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DroppedConnection_ItsApiUsageNoLongerReported(bool reloadedOrRemoved)
    {
        // A service sees tenants come and go: a dropped one must not stay in the gauges (and in memory) for good.
        var metrics = new SalesforceMetrics(null);
        var name = "dropped-" + Guid.NewGuid().ToString("N");
        using var manager = new SalesforceTokenManager(name, TestManagers.Options(), () => new FakeTokenSource(), new SalesforceTokenCache(), TimeProvider.System, NullLogger.Instance, metrics, resolved: true);
        manager.ApiUsage.Observe("api-usage=10/100");
        Assert.Contains(name, ReportedConnections());

        await manager.RetireAsync(refuseAcquisitions: reloadedOrRemoved);

        Assert.DoesNotContain(name, ReportedConnections());
    }

    private static List<string> ReportedConnections()
    {
        var reported = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == SalesforceTelemetry.ApiUsage)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "salesforce.client" && tag.Value is string connection)
                {
                    lock (reported)
                    {
                        reported.Add(connection);
                    }
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return reported;
    }

    [Fact]
    public void Configuration_EveryBound_Binds()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Salesforce:Connections:IdleTimeout"] = "00:07:00",
            ["Salesforce:Connections:MaxCachedTokens"] = "1234",
        }).Build());
        services.AddSalesforceConnections((_, _) => ValueTask.FromResult<SalesforceConnectionSettings?>(null));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SalesforceConnectionsOptions>>().Value;

        // Every settable property is in the dictionary above: one added without a binding test fails here.
        Assert.Equal(2, typeof(SalesforceConnectionsOptions).GetProperties().Count(p => p.CanWrite));
        Assert.Equal(TimeSpan.FromMinutes(7), options.IdleTimeout);
        Assert.Equal(1234, options.MaxCachedTokens);
    }

    [Fact]
    public void ReleaseSigningKey_KeyLoadedFromPem_Disposed_KeyGivenInCode_Kept()
    {
        using var rsa = TestKeys.NewRsa();
        using var http = new HttpClient();
        using var inCode = TestKeys.NewSigningKey(out _);
        var loaded = new SalesforceTokenClient(http, Jwt(o => o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem()));
        var given = new SalesforceTokenClient(http, Jwt(o => o.SigningKey = inCode));

        loaded.ReleaseSigningKey();
        given.ReleaseSigningKey();

        Assert.ThrowsAny<ObjectDisposedException>(() => loaded.CreateAssertion());
        Assert.NotNull(given.CreateAssertion());

        static SalesforceClientOptions Jwt(Action<SalesforceClientOptions> key)
        {
            var options = new SalesforceClientOptions { ClientId = "3MVG9isv", Username = "integration@acme.com", LoginUrl = new Uri("https://acme.my.salesforce.com") };
            key(options);
            return options;
        }
    }

    [Theory]
    [InlineData(0, 100, "IdleTimeout")]
    [InlineData(30, 0, "MaxCachedTokens")]
    public void Options_OutOfRange_FailNamingTheSetting(int idleMinutes, int maxCachedTokens, string setting)
    {
        var services = new ServiceCollection();
        services.AddSalesforceConnections((_, _) => ValueTask.FromResult<SalesforceConnectionSettings?>(null));
        services.Configure<SalesforceConnectionsOptions>(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(idleMinutes);
            o.MaxCachedTokens = maxCachedTokens;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SalesforceConnectionsOptions>>().Value);

        Assert.Contains("Salesforce:Connections:" + setting, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Tenants' settings by id: every org on its own My Domain with its own refresh token, unless set otherwise.</summary>
    private sealed class TenantDirectory : ISalesforceConnectionResolver
    {
        private readonly ConcurrentDictionary<string, Action<SalesforceClientOptions>> _overrides = new();
        private readonly ConcurrentDictionary<string, int> _lookups = new();

        public ConcurrentBag<string> Unknown { get; } = [];

        public int Lookups(string tenant) => _lookups.GetValueOrDefault(tenant);

        public void Set(string tenant, Action<SalesforceClientOptions> configure) => _overrides[tenant] = configure;

        public ValueTask<SalesforceConnectionSettings?> ResolveAsync(string connectionId, CancellationToken cancellationToken)
        {
            _lookups.AddOrUpdate(connectionId, 1, (_, n) => n + 1);
            if (Unknown.Contains(connectionId))
            {
                return ValueTask.FromResult<SalesforceConnectionSettings?>(null);
            }

            var options = new SalesforceClientOptions
            {
                Flow = SalesforceFlow.RefreshToken,
                LoginUrl = new Uri($"https://{TenantOrgsHandler.Host(connectionId)}"),
                ClientId = "3MVG9isv",
                RefreshToken = "5Aep-" + connectionId,
            };
            if (_overrides.TryGetValue(connectionId, out var configure))
            {
                configure(options);
            }

            return ValueTask.FromResult<SalesforceConnectionSettings?>(new SalesforceConnectionSettings(options));
        }
    }

    private sealed class Env : IDisposable
    {
        private readonly ServiceProvider _provider;

        public Env(Action<IServiceCollection>? configure = null, TimeSpan? idleTimeout = null, int maxCachedTokens = 1000)
        {
            var services = new ServiceCollection();
            configure?.Invoke(services);
            services.AddSalesforceConnections(_ => Directory, o =>
            {
                o.IdleTimeout = idleTimeout ?? TimeSpan.FromHours(1);
                o.MaxCachedTokens = maxCachedTokens;
            });
            services.AddHttpClient("salesforce").AddSalesforceTokenHandler().ConfigurePrimaryHttpMessageHandler(() => Orgs);
            services.AddHttpClient(SalesforceTokenClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Orgs);
            _provider = services.BuildServiceProvider();
            Client = _provider.GetRequiredService<IHttpClientFactory>().CreateClient("salesforce");
            Connections = _provider.GetRequiredService<ISalesforceConnections>();
        }

        public TenantOrgsHandler Orgs { get; } = new();

        public TenantDirectory Directory { get; } = new();

        public HttpClient Client { get; }

        public ISalesforceConnections Connections { get; }

        public async Task<(string Tenant, HttpStatusCode Status, string Host)> GetAsync(string tenant)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "services/data/v62.0/limits").SetSalesforceConnection(tenant);
            using var response = await Client.SendAsync(request, Ct);
            return (tenant, response.StatusCode, response.RequestMessage!.RequestUri!.Host);
        }

        public void Dispose() => _provider.Dispose();
    }
}
