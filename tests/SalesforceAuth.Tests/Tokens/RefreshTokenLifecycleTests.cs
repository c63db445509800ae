using System.Collections.Concurrent;
using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.TestSupport.ScriptedHandler;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>Refresh token single-flight, rotation persistence order, store failures and no blind retries (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1; Salesforce Winter '25 release notes (simultaneous refresh token requests), https://help.salesforce.com/s/articleView?id=release-notes.rn_security_refresh_token_error.htm&amp;release=252&amp;type=5).</summary>
public sealed class RefreshTokenLifecycleTests
{
    private const string Rt1 = "5Aep861REFRESH-ONE";
    private const string Rt2 = "5Aep861REFRESH-TWO";
    private const string Rt3 = "5Aep861REFRESH-THREE";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Success(string? refreshToken = null, string accessToken = "00D5g00000XXXXX!AQ0ACCESS") =>
        $$"""{"access_token":"{{accessToken}}","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA","token_type":"Bearer"{{(refreshToken is null ? "" : $",\"refresh_token\":\"{refreshToken}\"")}}}""";

    private static SalesforceClientOptions Options() => new()
    {
        LoginUrl = new Uri("https://acme.my.salesforce.com"),
        Flow = SalesforceFlow.RefreshToken,
        ClientId = "3MVG9testConsumerKey",
        ClientSecret = "SECRET",
        RefreshToken = Rt1,
        UseIntrospection = false,
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),

        // Long enough that the delay-advancing clock never fires them.
        AttemptTimeout = TimeSpan.FromMinutes(10),
        TotalTimeout = TimeSpan.FromMinutes(30),
    };

    private static SalesforceTokenClient Client(ScriptedHandler handler, ISalesforceRefreshTokenStore? store = null, SalesforceClientOptions? options = null, TimeProvider? time = null) =>
        new(new HttpClient(handler), options ?? Options(), time ?? DelayAdvancingTimeProvider.StartingNow(), refreshTokenStore: store);

    [Fact]
    public async Task RequestTokenAsync_TwentyConcurrentRefreshesOfOneToken_OneRequest()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new ScriptedHandler(async _ =>
        {
            arrived.TrySetResult();
            await gate.Task;
            return Json(200, Success());
        });
        var client = Client(handler);

        var first = client.RequestTokenAsync(cancellationToken: Ct);
        await arrived.Task.WaitAsync(Ct);
        var others = Enumerable.Range(0, 19).Select(_ => client.RequestTokenAsync(cancellationToken: Ct)).ToList();
        gate.SetResult();
        var tokens = await Task.WhenAll(others.Prepend(first));

        Assert.Equal(1, handler.Count);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Fact]
    public async Task RequestTokenAsync_ConcurrentRefreshesWithIntrospection_OneTokenAndOneIntrospectRequest()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        using var handler = new ScriptedHandler(async r =>
        {
            if (r.Path.EndsWith("/introspect", StringComparison.Ordinal))
            {
                return Json(200, $$"""{"active":true,"token_type":"access_token","exp":{{exp}}}""");
            }

            arrived.TrySetResult();
            await gate.Task;
            return Json(200, Success(Rt2));
        });
        var options = Options();
        options.UseIntrospection = true;
        var client = Client(handler, options: options);

        var first = client.RequestTokenAsync(cancellationToken: Ct);
        await arrived.Task.WaitAsync(Ct);
        var others = Enumerable.Range(0, 9).Select(_ => client.RequestTokenAsync(cancellationToken: Ct)).ToList();
        gate.SetResult();
        var tokens = await Task.WhenAll(others.Prepend(first));

        Assert.Equal(1, handler.Requests.Count(r => r.Path.EndsWith("/token", StringComparison.Ordinal)));
        Assert.Equal(1, handler.Requests.Count(r => r.Path.EndsWith("/introspect", StringComparison.Ordinal)));
        Assert.All(tokens, t => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp) - SalesforceTokenClient.IntrospectionSafetyMargin, t.ExpiresAt));
    }

    [Fact]
    public async Task RequestTokenAsync_Rotation_SavedBeforeTheTokenIsReturned()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(Rt2))));
        var store = new GatedStore(Rt1);
        var client = Client(handler, store);

        var request = client.RequestTokenAsync(cancellationToken: Ct);
        var saved = await store.SaveStarted.Task.WaitAsync(Ct);

        Assert.Equal((Rt2, Rt1), saved);
        Assert.False(request.IsCompleted);
        store.ReleaseSave.SetResult();
        var token = await request;

        Assert.Equal(Rt2, token.RefreshToken);
        Assert.Equal(Rt2, await store.GetAsync(Ct));
    }

    [Fact]
    public async Task RequestTokenAsync_AfterRotation_SendsTheNewTokenAndNeverTheOldOne()
    {
        var next = new ConcurrentQueue<string>([Rt2, Rt3]);
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(next.TryDequeue(out var rt) ? rt : null))));
        var client = Client(handler);

        await client.RequestTokenAsync(cancellationToken: Ct);

        // A caller still holding the rotated-away token: sending it would count as reuse and revoke the chain (Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&type=1).
        await client.RequestTokenAsync(new SalesforceTokenRequest { RefreshToken = Rt1 }, Ct);

        Assert.Equal([Rt1, Rt2], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
    }

    [Fact]
    public async Task RequestTokenAsync_CallerArrivesWhileTheRotatedTokenIsBeingSaved_JoinsThatRefreshNotASecondOne()
    {
        var next = new ConcurrentQueue<string>([Rt2, Rt3]);
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(next.TryDequeue(out var rt) ? rt : null))));
        var store = new GatedStore(Rt1);
        var client = Client(handler, store);

        var first = client.RequestTokenAsync(cancellationToken: Ct);
        await store.SaveStarted.Task.WaitAsync(Ct);

        // Rt2 is not in the store yet: refreshing with it now would race this save and could leave the store on a
        // token Salesforce has retired.
        var second = client.RequestTokenAsync(cancellationToken: Ct);
        store.ReleaseSave.SetResult();
        var tokens = await Task.WhenAll(first, second);

        Assert.Equal([Rt1], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
        Assert.Same(tokens[0], tokens[1]);
        Assert.Equal(Rt2, await store.GetAsync(Ct));
    }

    [Fact]
    public async Task RequestTokenAsync_OverrideHoldsARetiredTokenOfTheStoredChain_RotatesTheStoredChainAndSavesIt()
    {
        var next = new ConcurrentQueue<string>([Rt2, Rt3]);
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(next.TryDequeue(out var rt) ? rt : null))));
        var store = new FlakyStore(Rt1);
        var client = Client(handler, store);
        await client.RequestTokenAsync(cancellationToken: Ct);

        var token = await client.RequestTokenAsync(new SalesforceTokenRequest { RefreshToken = Rt1 }, Ct);

        // Rotating Rt2 without saving Rt3 would leave the store on Rt2, retired: a restart would replay it.
        Assert.Equal([Rt1, Rt2], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
        Assert.Equal(Rt3, token.RefreshToken);
        Assert.Equal(Rt3, await store.GetAsync(Ct));
    }

    [Fact]
    public async Task RequestTokenAsync_StoreReadReturnsARetiredToken_SendsTheCurrentOne()
    {
        var next = new ConcurrentQueue<string>([Rt2, Rt3]);
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(next.TryDequeue(out var rt) ? rt : null))));
        var store = new StaleReplicaStore(Rt1);
        var client = Client(handler, store);

        await client.RequestTokenAsync(cancellationToken: Ct);
        await client.RequestTokenAsync(cancellationToken: Ct);

        // The replica still answers Rt1 after Rt2 was saved: sending Rt1 again would revoke the chain.
        Assert.Equal([Rt1, Rt2], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
        Assert.Equal([Rt2, Rt3], store.Saved);
    }

    [Fact]
    public async Task RequestTokenAsync_OverrideOfAnotherChainRotates_RetiredOverrideSendsItsSuccessorAndTheStoreIsUntouched()
    {
        const string UserRt1 = "5Aep861USER-ONE";
        const string UserRt2 = "5Aep861USER-TWO";
        var next = new ConcurrentQueue<string>([UserRt2, Rt3]);
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(next.TryDequeue(out var rt) ? rt : null))));
        var store = new FlakyStore(Rt1);
        var client = Client(handler, store);

        var rotated = await client.RequestTokenAsync(new SalesforceTokenRequest { RefreshToken = UserRt1 }, Ct);
        await client.RequestTokenAsync(new SalesforceTokenRequest { RefreshToken = UserRt1 }, Ct);

        Assert.Equal(UserRt2, rotated.RefreshToken);
        Assert.Equal([UserRt1, UserRt2], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
        Assert.Equal(Rt1, await store.GetAsync(Ct));
    }

    [Fact]
    public async Task RequestTokenAsync_StoreSaveFails_FailsLoudlyKeepsTheNewTokenAndSavesItNextTime()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success(Rt2))));
        var store = new FlakyStore(Rt1) { FailSaves = true };
        var client = Client(handler, store);

        var ex = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));

        Assert.IsType<IOException>(ex.InnerException);
        Assert.True(ex.IsTransient);
        Assert.Contains("could not be saved", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Rt2, ex.ToString(), StringComparison.Ordinal);

        // Still failing: the new token is not lost, and the old one is not sent again.
        await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => client.RequestTokenAsync(cancellationToken: Ct));
        Assert.Equal(1, handler.Count);

        store.FailSaves = false;
        var token = await client.RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(Rt2, await store.GetAsync(Ct));
        Assert.Equal(Rt2, token.RefreshToken);
        Assert.Equal(1, handler.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task RequestTokenAsync_ServerError_NotRetried(int status)
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(status, """{"error":"server_error"}""")));

        var ex = await Assert.ThrowsAsync<SalesforceServiceUnavailableException>(() => Client(handler).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(1, handler.Count);
        Assert.Equal(SalesforceFlow.RefreshToken, ex.Flow);
    }

    [Fact]
    public async Task RequestTokenAsync_NetworkFailure_NotRetried()
    {
        using var handler = new ScriptedHandler(_ => throw new HttpRequestException("connection reset"));

        await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => Client(handler).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_ExpiredRefreshToken_RefreshTokenExceptionWithApprovalAndPolicyCauses()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(400, """{"error":"invalid_grant","error_description":"expired access/refresh token"}""")));

        var ex = await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() => Client(handler).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.RefreshTokenExpired, ex.Reason);
        Assert.False(ex.IsTransient);
        var causes = string.Join(" ", ex.Diagnosis.Causes);
        Assert.Contains("5 approvals", causes, StringComparison.Ordinal);
        Assert.Contains("Refresh Token Policy", causes, StringComparison.Ordinal);
        Assert.Contains("Refresh token rotation", causes, StringComparison.Ordinal);
        Assert.Contains("refresh_token/offline_access", causes, StringComparison.Ordinal);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_AlreadyBeingProcessedElsewhere_WaitsForTheStoredSuccessorNeverResends()
    {
        var store = new FlakyStore(Rt1);
        using var handler = new ScriptedHandler(async r =>
        {
            if (r.Form["refresh_token"] == Rt1)
            {
                // Another process is refreshing Rt1 with rotation; it stores Rt2 a moment later.
                await store.SaveAsync(Rt2, Rt1, CancellationToken.None);
                return Json(400, """{"error":"invalid_grant","error_description":"token request is already being processed"}""");
            }

            return Json(200, Success());
        });

        var token = await Client(handler, store).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal([Rt1, Rt2], handler.Requests.Select(r => r.Form["refresh_token"]).ToArray());
        Assert.Equal("00D5g00000XXXXX!AQ0ACCESS", token.AccessToken);
    }

    [Fact]
    public async Task RequestTokenAsync_AlreadyBeingProcessedAndNothingStored_SurfacesWithoutResending()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(400, """{"error":"invalid_grant","error_description":"token request is already being processed"}""")));

        var ex = await Assert.ThrowsAsync<SalesforceRefreshTokenException>(() => Client(handler).RequestTokenAsync(cancellationToken: Ct));

        Assert.Equal(SalesforceReason.RefreshInProgress, ex.Reason);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task RequestTokenAsync_StoreHoldsANewerToken_UsesIt()
    {
        using var handler = new ScriptedHandler(_ => Task.FromResult(Json(200, Success())));

        await Client(handler, new FlakyStore(Rt3)).RequestTokenAsync(cancellationToken: Ct);

        Assert.Equal(Rt3, Assert.Single(handler.Requests).Form["refresh_token"]);
    }

    [Fact]
    public async Task RequestTokenAsync_OneCallerCancels_TheSharedRefreshCompletesForTheOthers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new ScriptedHandler(async _ =>
        {
            arrived.TrySetResult();
            await gate.Task;
            return Json(200, Success(Rt2));
        });
        var store = new FlakyStore(Rt1);
        var client = Client(handler, store);
        using var cancel = new CancellationTokenSource();

        var canceled = client.RequestTokenAsync(cancellationToken: cancel.Token);
        await arrived.Task.WaitAsync(Ct);
        var other = client.RequestTokenAsync(cancellationToken: Ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        gate.SetResult();

        Assert.Equal(Rt2, (await other).RefreshToken);
        Assert.Equal(Rt2, await store.GetAsync(Ct));
        Assert.Equal(1, handler.Count);
    }

    private sealed class GatedStore(string initial) : ISalesforceRefreshTokenStore
    {
        private string _value = initial;

        public TaskCompletionSource<(string New, string? Old)> SaveStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseSave { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(_value);

        public async Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            SaveStarted.TrySetResult((refreshToken, previousRefreshToken));
            await ReleaseSave.Task;
            _value = refreshToken;
        }
    }

    /// <summary>Reads from a replica that never catches up: always the initial token.</summary>
    private sealed class StaleReplicaStore(string initial) : ISalesforceRefreshTokenStore
    {
        public List<string> Saved { get; } = [];

        public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(initial);

        public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            Saved.Add(refreshToken);
            return Task.CompletedTask;
        }
    }

    private sealed class FlakyStore(string initial) : ISalesforceRefreshTokenStore
    {
        private volatile string _value = initial;

        public bool FailSaves { get; set; }

        public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(_value);

        public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            if (FailSaves)
            {
                throw new IOException("the database is down");
            }

            _value = refreshToken;
            return Task.CompletedTask;
        }
    }
}
