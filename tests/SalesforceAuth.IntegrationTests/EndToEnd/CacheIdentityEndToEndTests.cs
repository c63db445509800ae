using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.IntegrationTests.Flows;
using SalesforceAuth.IntegrationTests.Redis;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// The ISV setup end to end: one connected app, one login URL, a connection per customer org, each with its own refresh
/// token store and no <c>RefreshToken</c> option. Each connection must get its own org's session and instance, whether
/// they live in one process (the in-process cache) or in two instances sharing Redis.
/// </summary>
public sealed class CacheIdentityEndToEndTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    [Fact]
    public async Task TwoRefreshStoreConnections_OneLoginUrlAndApp_EachGetsItsOwnOrgsTokenAndHost()
    {
        await using var kit = await FlowKit.StartAsync();
        var (globex, globexUser) = AddSecondOrg(kit);
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        services.AddSingleton<TimeProvider>(kit.Time);
        AddConnection(services, kit, "acme", kit.Fake.IssueRefreshToken(kit.App, kit.User)).AddHttpClient();
        AddConnection(services, kit, "globex", kit.Fake.IssueRefreshToken(kit.App, globexUser)).AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();

        var acmeToken = await tokens.GetTokenAsync("acme", cancellationToken: Ct);
        var globexToken = await tokens.GetTokenAsync("globex", cancellationToken: Ct);

        Assert.Equal(kit.Org.InstanceUrl.Authority, acmeToken.InstanceUrl.Authority);
        Assert.Equal(globex.InstanceUrl.Authority, globexToken.InstanceUrl.Authority);
        Assert.NotEqual(acmeToken.AccessToken, globexToken.AccessToken);
        Assert.Equal(2, kit.Fake.Counters.TokenRequests("refresh_token", "success"));

        // And the API calls of each connection go to its own org's pod, with its own session.
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        using var acmeCall = await factory.CreateClient("acme").GetAsync("/services/data/v62.0/sobjects", Ct);
        using var globexCall = await factory.CreateClient("globex").GetAsync("/services/data/v62.0/sobjects", Ct);
        Assert.Equal(HttpStatusCode.OK, acmeCall.StatusCode);
        Assert.Equal(HttpStatusCode.OK, globexCall.StatusCode);
        Assert.Equal(kit.Org.InstanceUrl.Authority, acmeCall.RequestMessage!.RequestUri!.Authority);
        Assert.Equal(globex.InstanceUrl.Authority, globexCall.RequestMessage!.RequestUri!.Authority);
    }

    [Fact]
    public async Task TwoRefreshStoreConnections_InTwoInstancesSharingRedis_EachGetsItsOwnOrgsToken()
    {
        using var redis = await RedisServer.StartAsync();
        await using var kit = await FlowKit.StartAsync();
        var (globex, globexUser) = AddSecondOrg(kit);
        var encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var acmeInstance = Instance(kit, redis, encryptionKey, "acme", kit.Fake.IssueRefreshToken(kit.App, kit.User));
        await using var globexInstance = Instance(kit, redis, encryptionKey, "globex", kit.Fake.IssueRefreshToken(kit.App, globexUser));

        var acmeToken = await acmeInstance.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("acme", cancellationToken: Ct);
        await WaitForEntriesAsync(redis, 1);
        var globexToken = await globexInstance.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("globex", cancellationToken: Ct);

        Assert.Equal(kit.Org.InstanceUrl.Authority, acmeToken.InstanceUrl.Authority);
        Assert.Equal(globex.InstanceUrl.Authority, globexToken.InstanceUrl.Authority);
        Assert.NotEqual(acmeToken.AccessToken, globexToken.AccessToken);
        Assert.Equal(2, kit.Fake.Counters.TokenRequests("refresh_token", "success"));
    }

    private static (FakeOrg Org, FakeUser User) AddSecondOrg(FlowKit kit)
    {
        // Another customer org of the same ISV app, on another pod so a token in the wrong hands shows in its host.
        var org = kit.Fake.AddOrg("globex", pod: "eu2");
        var user = org.AddUser("integration@globex.com");
        kit.App.PreAuthorizedUsers.Add(user);
        return (org, user);
    }

    private static ISalesforceClientBuilder AddConnection(IServiceCollection services, FlowKit kit, string name, string refreshToken) =>
        services.AddSalesforceClient(name, o =>
            {
                o.Flow = SalesforceFlow.RefreshToken;
                o.LoginUrl = kit.Fake.LoginUrl;
                o.ClientId = kit.App.ConsumerKey;
                o.ClientSecret = kit.App.ConsumerSecret;
                o.MaxRetries = 0;
                o.UseIntrospection = false;
            })
            .AddRefreshTokenStore(_ => new Store(refreshToken));

    private static ServiceProvider Instance(FlowKit kit, RedisServer redis, string encryptionKey, string name, string refreshToken)
    {
        // The system clock (the default): Redis expires entries by its own clock, which the emulator's fake one is not.
        var services = new ServiceCollection();
        kit.TrustEmulator(services);
        AddConnection(services, kit, name, refreshToken);
        services.AddSalesforceRedis(redis.Configuration, o =>
        {
            o.EncryptionKey = encryptionKey;
            o.FailureBackoff = TimeSpan.Zero;
        });
        return services.BuildServiceProvider();
    }

    private static async Task WaitForEntriesAsync(RedisServer redis, int count)
    {
        // The holder writes its token after handing it out: wait for the write (bounded), not for a fixed time.
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var found = 0;
            await foreach (var key in server.KeysAsync(pattern: "SalesforceAuth:*"))
            {
                if (!key.ToString().EndsWith(":lock", StringComparison.Ordinal))
                {
                    found++;
                }
            }

            if (found >= count)
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"Redis never held {count} token entries.");
    }

    private sealed class Store(string initial) : ISalesforceRefreshTokenStore
    {
        private string? _current = initial;

        public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Volatile.Read(ref _current));

        public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
        {
            Volatile.Write(ref _current, refreshToken);
            return Task.CompletedTask;
        }
    }
}
