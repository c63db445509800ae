using System.Net;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class RefreshTokenEmulatorTests
{
    private static Task<HttpResponseMessage> Refresh(EmulatorKit kit, string refreshToken, string? secret = "default") =>
        secret is null
            ? kit.PostAsync(kit.MyDomainToken, ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", kit.App.ConsumerKey))
            : kit.PostAsync(kit.MyDomainToken, ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", kit.App.ConsumerKey), ("client_secret", secret == "default" ? kit.App.ConsumerSecret! : secret));

    private static Task AssertExpired(HttpResponseMessage response) =>
        EmulatorKit.AssertOAuthErrorAsync(response, "invalid_grant", "expired access/refresh token");

    [Fact]
    public async Task Refresh_WithoutRotation_ReturnsAccessTokenOnly_AndTokenStaysUsable()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var token = await kit.TokenAsync(await Refresh(kit, rt));
        Assert.False(token.TryGetProperty("refresh_token", out _));
        Assert.True(token.TryGetProperty("signature", out _));
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
    }

    [Fact]
    public async Task Refresh_SecretRequiredByDefault_OptionalWhenDisabled()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        await EmulatorKit.AssertOAuthErrorAsync(await Refresh(kit, rt, secret: null), "invalid_client", "invalid client credentials");
        await EmulatorKit.AssertOAuthErrorAsync(await Refresh(kit, rt, secret: "wrong"), "invalid_client", "invalid client credentials");
        kit.App.RequireSecretForRefresh = false;
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt, secret: null)).StatusCode);
    }

    [Fact]
    public async Task Refresh_UnknownOrRevokedToken_IsExpiredAccessRefreshToken()
    {
        await using var kit = await EmulatorKit.StartAsync();
        await AssertExpired(await Refresh(kit, "5Aep861nope"));

        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        Assert.Equal(HttpStatusCode.OK, (await kit.PostAsync(new Uri(kit.Org.MyDomainUrl, "/services/oauth2/revoke"), ("token", rt))).StatusCode);
        await AssertExpired(await Refresh(kit, rt));
    }

    [Fact]
    public async Task Refresh_Rotation_ReturnsNewToken_ReuseRevokesChain()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        var first = kit.Fake.IssueRefreshToken(kit.App, kit.User);

        var response = await kit.TokenAsync(await Refresh(kit, first));
        var second = response.GetProperty("refresh_token").GetString()!;
        var access = response.GetProperty("access_token").GetString();
        Assert.NotEqual(first, second);
        Assert.Equal(["access_token", "refresh_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"], response.EnumerateObject().Select(p => p.Name).ToArray());

        // Reusing the rotated token revokes the chain: the current refresh token and its sessions die too.
        await AssertExpired(await Refresh(kit, first));
        await AssertExpired(await Refresh(kit, second));
        await EmulatorKit.AssertInvalidSessionAsync(await kit.GetAsync(kit.Org.InstanceUrl + "services/data/v62.0/", access));
    }

    [Fact]
    public async Task Refresh_Concurrent_SecondIsAlreadyBeingProcessed()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        kit.Fake.GrantProcessing = async (grant, ct) =>
        {
            if (Interlocked.Increment(ref held) == 1)
            {
                entered.SetResult();
                await release.Task.WaitAsync(ct);
            }
        };

        var first = Refresh(kit, rt);
        await entered.Task.WaitAsync(TestContext.Current.CancellationToken);
        await EmulatorKit.AssertOAuthErrorAsync(await Refresh(kit, rt), "invalid_grant", "token request is already being processed");
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
        Assert.Equal(1, kit.Fake.Counters.TokenRequests("refresh_token", "invalid_grant"));
    }

    [Fact]
    public async Task IssueRefreshToken_SixthApproval_EvictsOldest()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var tokens = Enumerable.Range(0, 6).Select(_ => kit.Fake.IssueRefreshToken(kit.App, kit.User)).ToList();
        await AssertExpired(await Refresh(kit, tokens[0]));
        foreach (var rt in tokens.Skip(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
        }
    }

    [Fact]
    public async Task IssueRefreshToken_AppWithoutOfflineScope_Throws()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.Scopes = "api";
        Assert.Throws<InvalidOperationException>(() => kit.Fake.IssueRefreshToken(kit.App, kit.User));
    }

    [Fact]
    public async Task Refresh_ZeroPolicy_IsExpired()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.RefreshTokenPolicy = FakeRefreshTokenPolicy.Zero;
        await AssertExpired(await Refresh(kit, kit.Fake.IssueRefreshToken(kit.App, kit.User)));
    }

    [Fact]
    public async Task Refresh_LifetimePolicy_ExpiresAfterLifetime()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.RefreshTokenPolicy = FakeRefreshTokenPolicy.ExpireAfter(TimeSpan.FromHours(1));
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        kit.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await AssertExpired(await Refresh(kit, rt));
    }

    [Fact]
    public async Task Refresh_InactivityPolicy_UseKeepsItAlive()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.RefreshTokenPolicy = FakeRefreshTokenPolicy.ExpireIfUnusedFor(TimeSpan.FromHours(1));
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        kit.Time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
        kit.Time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await Refresh(kit, rt)).StatusCode);
        kit.Time.Advance(TimeSpan.FromMinutes(61));
        await AssertExpired(await Refresh(kit, rt));
    }

    [Fact]
    public async Task Refresh_InactiveUser_IsInactiveUser()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        kit.User.IsActive = false;
        await EmulatorKit.AssertOAuthErrorAsync(await Refresh(kit, rt), "invalid_grant", "inactive user");
    }
}
