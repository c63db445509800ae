using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>Refresh token rotation and single-flight, introspection, revocation, userinfo and introspection-driven expiry, end to end.</summary>
public sealed class RefreshAndLifecycleFlowTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    private static async Task<HttpStatusCode> RawRefreshAsync(FlowKit kit, string refreshToken)
    {
        using var response = await kit.Http.PostAsync(
            new Uri(kit.Fake.LoginUrl, "/services/oauth2/token"),
            new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", kit.App.ConsumerKey), new("client_secret", kit.App.ConsumerSecret!)]),
            Ct);
        return response.StatusCode;
    }

    [Fact]
    public async Task Refresh_Rotation_NewTokenPersistedAndUsed_ReuseOfTheOldRevokesTheChain()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        var original = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var store = new RecordingStore();
        var client = kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = original), store);

        var first = await client.RequestTokenAsync(cancellationToken: Ct);
        var second = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.NotNull(first.RefreshToken);
        Assert.NotEqual(original, first.RefreshToken);
        Assert.Equal([first.RefreshToken!, second.RefreshToken!], store.Saved);
        Assert.Equal(second.RefreshToken, await store.GetAsync(Ct));
        Assert.Equal(2, kit.Fake.Counters.TokenRequests("refresh_token", "success"));
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(second)).StatusCode);

        // Someone replays the original token: Salesforce revokes the whole chain (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&type=1), sessions included.
        Assert.Equal(HttpStatusCode.BadRequest, await RawRefreshAsync(kit, original));
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.ApiAsync(second)).StatusCode);
        var ex = await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() => client.RequestTokenAsync(cancellationToken: Ct));
        Assert.Equal(SalesforceReason.RefreshTokenExpired, ex.Reason);
    }

    [Fact]
    public async Task Refresh_TwentyConcurrentRefreshesOfOneToken_OneRefreshRequest()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Fake.GrantProcessing = async (_, ct) =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(ct);
        };
        var client = kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = rt));

        var first = client.RequestTokenAsync(cancellationToken: Ct);
        await arrived.Task.WaitAsync(Ct);
        var all = Enumerable.Range(0, 19).Select(_ => client.RequestTokenAsync(cancellationToken: Ct)).Prepend(first).ToList();
        release.SetResult();
        var tokens = await Task.WhenAll(all);

        Assert.Equal(1, kit.Fake.Counters.TokenRequests("refresh_token"));
        Assert.Single(tokens.Select(t => t.AccessToken).Distinct());
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(tokens[0])).StatusCode);
    }

    [Fact]
    public async Task Refresh_UnknownToken_RefreshTokenExceptionWithDiagnosis()
    {
        await using var kit = await FlowKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() =>
            kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = "5Aep861NOTATOKEN")).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.RefreshTokenExpired, ex.Reason);
        Assert.Contains(ex.Diagnosis.Causes, c => c.Contains("5 approvals", StringComparison.Ordinal));
        Assert.Equal(1, kit.Fake.Counters.TokenRequests("refresh_token"));
    }

    [Fact]
    public async Task Refresh_RevokedWithRevokeAsync_NextRefreshFails()
    {
        await using var kit = await FlowKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var client = kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = rt));
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        await client.RevokeAsync(rt, Ct);

        await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() => client.RequestTokenAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.ApiAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Refresh_PolicyZero_ExpiredRefreshToken()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenPolicy = FakeRefreshTokenPolicy.ExpireAfter(TimeSpan.FromHours(1));
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        kit.Time.Advance(TimeSpan.FromHours(2));

        var ex = await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() =>
            kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = rt)).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.RefreshTokenExpired, ex.Reason);
    }

    [Fact]
    public async Task IntrospectAsync_ActiveAndInactiveTokens()
    {
        await using var kit = await FlowKit.StartAsync();
        var client = kit.Client(kit.Options(SalesforceFlow.JwtBearer, o => o.ClientSecret = kit.App.ConsumerSecret));
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        var active = await client.IntrospectAsync(token.AccessToken, Ct);
        var inactive = await client.IntrospectAsync("00D000000000000!AQ0UNKNOWN", Ct);

        Assert.True(active.Active);
        Assert.Equal("access_token", active.TokenType);
        Assert.Equal(kit.App.ConsumerKey, active.ClientId);
        Assert.Equal(kit.User.Username, active.Username);
        Assert.Equal(token.IdentityUrl!.ToString(), active.Subject);
        Assert.Equal(FlowKit.Start + kit.Fake.SessionLifetime, active.ExpiresAt);
        Assert.Equal(FlowKit.Start, active.IssuedAt);
        Assert.False(inactive.Active);
        Assert.Null(inactive.ExpiresAt);
    }

    [Fact]
    public async Task IntrospectAsync_WrongSecret_InvalidClient()
    {
        await using var kit = await FlowKit.StartAsync();
        var client = kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => { o.ClientSecret = "WRONG"; o.UseBasicAuthentication = true; }));

        await Assert.ThrowsAsync<SalesforceInvalidClientException>(() => client.IntrospectAsync("00D000000000000!AQ0X", Ct));
    }

    [Fact]
    public async Task RevokeAsync_AccessToken_ApiCallThen401_SecondRevokeInvalidToken()
    {
        await using var kit = await FlowKit.StartAsync();
        var client = kit.Client(kit.Options(SalesforceFlow.JwtBearer));
        var token = await client.RequestTokenAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);

        await client.RevokeAsync(token.AccessToken, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.ApiAsync(token)).StatusCode);
        var ex = await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => client.RevokeAsync(token.AccessToken, Ct));
        Assert.Equal("invalid_token", ex.Error);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task GetUserInfoAsync_ValidThenRevokedToken()
    {
        await using var kit = await FlowKit.StartAsync();
        var client = kit.Client(kit.Options(SalesforceFlow.SamlBearer));
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        var info = await client.GetUserInfoAsync(token, Ct);

        Assert.Equal(kit.User.UserId, info.UserId);
        Assert.Equal(kit.Org.OrgId, info.OrganizationId);
        Assert.Equal(kit.User.Username, info.PreferredUsername);
        Assert.Equal(token.IdentityUrl!.ToString(), info.Subject);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, info.Claims.ValueKind);

        await client.RevokeAsync(token.AccessToken, Ct);
        var ex = await Assert.ThrowsAsync<SalesforceSessionExpiredException>(() => client.GetUserInfoAsync(token, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task RequestTokenAsync_WithSecretAndIntrospection_ExpiresAtFromTheSessionLifetime()
    {
        await using var kit = await FlowKit.StartAsync(o => o.SessionLifetime = TimeSpan.FromMinutes(30));
        var client = kit.Client(kit.Options(SalesforceFlow.ClientCredentials, o => o.UseIntrospection = true));

        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(FlowKit.Start + TimeSpan.FromMinutes(30) - SalesforceTokenClient.IntrospectionSafetyMargin, token.ExpiresAt);
        Assert.Single(kit.Fake.RequestLog, e => e.Path == "/services/oauth2/introspect");
    }

    [Fact]
    public async Task RequestTokenAsync_IntrospectionRefused_FallsBackToSessionLifetime()
    {
        await using var kit = await FlowKit.StartAsync();
        var options = kit.Options(SalesforceFlow.ClientCredentials, o => o.UseIntrospection = true);
        var client = kit.Client(options);

        // The token is obtained, then the app's secret changes: introspection fails, the token is still handed out.
        kit.Fake.RequestCompleted += (_, e) =>
        {
            if (e.GrantType == "client_credentials")
            {
                kit.App.ConsumerSecret = "ROTATED";
            }
        };
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(FlowKit.Start + options.SessionLifetime, token.ExpiresAt);
    }

    [Fact]
    public async Task TokenProvider_RefreshStoreRegisteredForTheClient_ReceivesTheRotatedToken()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        var original = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var store = new RecordingStore(original);
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        services.AddSalesforceClient("acme", o =>
            {
                o.Flow = SalesforceFlow.RefreshToken;
                o.LoginUrl = kit.Fake.LoginUrl;
                o.ClientId = kit.App.ConsumerKey;
                o.ClientSecret = kit.App.ConsumerSecret;
                o.MaxRetries = 0;
            })
            .AddRefreshTokenStore(_ => store);
        services.AddSalesforceClient("other", o =>
        {
            o.Flow = SalesforceFlow.RefreshToken;
            o.LoginUrl = kit.Fake.LoginUrl;
            o.ClientId = kit.App.ConsumerKey;
            o.ClientSecret = kit.App.ConsumerSecret;
            o.RefreshToken = kit.Fake.IssueRefreshToken(kit.App, kit.User);
            o.MaxRetries = 0;
        });
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();

        var token = await tokens.GetTokenAsync("acme", cancellationToken: Ct);
        await tokens.GetTokenAsync("other", cancellationToken: Ct);

        Assert.Equal([token.RefreshToken!], store.Saved);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Refresh_RotationUnderChaos_ConcurrentCallersFlakyStoreAndRestart_OneRefreshAtATimeAndTheChainSurvives()
    {
        // The emulator's own rotation rules judge the lifecycle here: overlapping refreshes of a token are refused
        // ("token request is already being processed") and a replayed retired token revokes the chain. The seeded
        // unit test (RefreshTokenRotationChaosTests) explores far more interleavings; this one runs end to end.
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        var original = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var random = new Random(20261202);
        var store = new FlakyYieldingStore(original, random);
        var atSalesforce = 0;
        var overlaps = 0;
        kit.Fake.GrantProcessing = async (_, _) =>
        {
            // One refresh at a time: none at Salesforce and no rotated token being saved when a refresh arrives.
            if (Interlocked.Increment(ref atSalesforce) > 1 || store.SavesInProgress > 0)
            {
                Interlocked.Increment(ref overlaps);
            }

            await FlakyYieldingStore.PauseAsync(random, 10);
            Interlocked.Decrement(ref atSalesforce);
        };
        var failures = new List<Exception>();

        // Two lifetimes of the process on one store; the store recovers before the first stops.
        for (var life = 0; life < 2; life++)
        {
            var client = kit.Client(kit.Options(SalesforceFlow.RefreshToken, o => o.RefreshToken = original), store);
            store.Failing = true;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                for (var call = 0; call < 5; call++)
                {
                    await FlakyYieldingStore.PauseAsync(random, 20);
                    try
                    {
                        await client.RequestTokenAsync(cancellationToken: Ct);
                    }
                    catch (SalesforceAuthenticationException ex) when (ex.IsTransient && ex.InnerException is IOException)
                    {
                        // The typed store failure: the rotated token is kept and saved by a later call.
                    }
#pragma warning disable CA1031 // Collected and asserted empty.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        lock (failures)
                        {
                            failures.Add(ex);
                        }
                    }
                }
            })).WaitAsync(TimeSpan.FromMinutes(1), Ct);
            store.Failing = false;
            await client.RequestTokenAsync(cancellationToken: Ct);
        }

        Assert.Empty(failures);
        Assert.Equal(0, overlaps);
        Assert.Empty(store.Violations);
        Assert.True(store.Saved.Count > 2);
        Assert.Equal(store.Saved.Count, kit.Fake.Counters.TokenRequests("refresh_token", "success"));

        // The store holds the chain's live token: Salesforce still accepts it.
        Assert.Equal(HttpStatusCode.OK, await RawRefreshAsync(kit, (await store.GetAsync(Ct))!));
    }

    /// <summary>A store whose calls yield a random number of times (saves long enough for callers to arrive meanwhile) and, while failing, refuse 15% of saves.</summary>
    private sealed class FlakyYieldingStore(string initial, Random random) : ISalesforceRefreshTokenStore
    {
        private readonly object _gate = new();
        private string _current = initial;

        public volatile bool Failing;

        private int _savesInProgress;

        public List<string> Saved { get; } = [];

        public List<string> Violations { get; } = [];

        public int SavesInProgress => Volatile.Read(ref _savesInProgress);

        public static async Task PauseAsync(Random random, int maxYields)
        {
            int yields;
            lock (random)
            {
                yields = random.Next(maxYields);
            }

            for (; yields > 0; yields--)
            {
                await Task.Yield();
            }
        }

        public async Task<string?> GetAsync(CancellationToken cancellationToken = default)
        {
            await PauseAsync(random, 10);
            lock (_gate)
            {
                return _current;
            }
        }

        public async Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _savesInProgress);
            try
            {
                await PauseAsync(random, 300);
                bool fail;
                lock (random)
                {
                    fail = Failing && random.NextDouble() < 0.15;
                }

                if (fail)
                {
                    throw new IOException("the database is down");
                }

                lock (_gate)
                {
                    if (!string.Equals(previousRefreshToken, _current, StringComparison.Ordinal))
                    {
                        Violations.Add($"save {Saved.Count + 1} does not replace the stored token");
                    }

                    _current = refreshToken;
                    Saved.Add(refreshToken);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _savesInProgress);
            }
        }
    }

    private sealed class RecordingStore(string? initial = null) : ISalesforceRefreshTokenStore
    {
        private string? _current = initial;

        public List<string> Saved { get; } = [];

        public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_current);

        public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            Saved.Add(refreshToken);
            _current = refreshToken;
            return Task.CompletedTask;
        }
    }
}
