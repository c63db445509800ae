using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// Many customer orgs behind one <see cref="HttpClient"/>, on the emulator: a tenant added, used, its key rotated, its
/// org moved to its My Domain and another pod, and removed (tokens revoked) while three other tenants call throughout.
/// Every call must reach its own org's pod with its own org's session.
/// </summary>
public sealed class TenantLifecycleEndToEndTests
{
    private static CancellationToken Ct => EmulatorFixture.Cancel;

    [Fact]
    public async Task TenantAddedUsedRotatedMovedRemoved_WhileOthersCall_NoCrossTenantTokens()
    {
        await using var kit = await EndToEndKit.StartAsync();
        var directory = new ConcurrentDictionary<string, SalesforceClientOptions>(StringComparer.Ordinal);
        var orgs = new Dictionary<string, FakeOrg>();
        foreach (var (tenant, pod) in new[] { ("globex", "eu2"), ("initech", "ap3"), ("umbrella", "na9") })
        {
            // One packaged app pre-authorized in each customer org, JWT bearer as the org's integration user.
            var org = kit.Fake.AddOrg(tenant, pod: pod);
            var user = org.AddUser($"integration@{tenant}.com");
            kit.App.PreAuthorizedUsers.Add(user);
            orgs[tenant] = org;
            directory[tenant] = kit.Options(user);
        }

        await using var services = kit.Services(s =>
        {
            s.AddSalesforceConnections((id, _) => ValueTask.FromResult(
                directory.TryGetValue(id, out var options) ? new SalesforceConnectionSettings(options) : null));
            s.AddHttpClient("salesforce").AddSalesforceTokenHandler();
        });
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("salesforce");
        var connections = services.GetRequiredService<ISalesforceConnections>();

        // The other tenants call throughout; each answer is checked against the org the call was for.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var wrong = new ConcurrentBag<string>();
        var calls = new ConcurrentDictionary<string, int>();
        var callers = orgs.Keys.Select(tenant => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, authority) = await GetAsync(client, tenant);
                calls.AddOrUpdate(tenant, 1, (_, n) => n + 1);
                if (status != HttpStatusCode.OK || authority != orgs[tenant].InstanceUrl.Authority)
                {
                    wrong.Add($"{tenant}: {status} from {authority}");
                }
            }
        })).ToArray();

        // Added while the service runs: a customer with a connected app of its own, on the login URL.
        var hooliOrg = kit.Fake.AddOrg("hooli", pod: "cs7");
        var hooliUser = hooliOrg.AddUser("integration@hooli.com");
        var firstKeys = FakeSalesforceCertificates.CreateKeyPair();
        var hooliApp = kit.Fake.AddConnectedApp(new FakeConnectedApp
        {
            Certificate = firstKeys.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            PreAuthorizedUsers = { hooliUser },
        });
        directory["hooli"] = Hooli(firstKeys, kit.Fake.LoginUrl);
        Assert.Equal((HttpStatusCode.OK, hooliOrg.InstanceUrl.Authority), await GetAsync(client, "hooli"));
        var first = await connections.GetTokenAsync("hooli", cancellationToken: Ct);

        // Key rotated: the app trusts the new certificate only; the tenant is reloaded with the new key.
        var secondKeys = FakeSalesforceCertificates.CreateKeyPair();
        hooliApp.Certificate = secondKeys.PublicCertificate;
        directory["hooli"] = Hooli(secondKeys, kit.Fake.LoginUrl);
        Assert.True(connections.Reload("hooli"));
        var rotated = await connections.GetTokenAsync("hooli", cancellationToken: Ct);
        Assert.NotEqual(first.AccessToken, rotated.AccessToken);
        Assert.Equal((HttpStatusCode.OK, hooliOrg.InstanceUrl.Authority), await GetAsync(client, "hooli"));

        // Moved: the org now logs in on its My Domain and lives on another pod (its old sessions end).
        kit.Fake.MoveOrg(hooliOrg, "eu9");
        directory["hooli"] = Hooli(secondKeys, hooliOrg.MyDomainUrl);
        Assert.True(connections.Reload("hooli"));
        Assert.Equal((HttpStatusCode.OK, hooliOrg.InstanceUrl.Authority), await GetAsync(client, "hooli"));
        var moved = await connections.GetTokenAsync("hooli", cancellationToken: Ct);
        Assert.Equal(hooliOrg.InstanceUrl.Authority, moved.InstanceUrl.Authority);

        // Removed, its token revoked at Salesforce; then unknown to the resolver.
        Assert.True(await connections.RemoveAsync("hooli", revokeTokens: true, Ct));
        directory.TryRemove("hooli", out _);
        using (var revoked = await kit.GetWithTokenAsync(new Uri(moved.InstanceUrl, "/services/data/v62.0/sobjects"), moved.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        await Assert.ThrowsAsync<SalesforceConfigurationException>(() => GetAsync(client, "hooli"));

        await stop.CancelAsync();
        await Task.WhenAll(callers);
        Assert.Empty(wrong);
        Assert.All(orgs.Keys, tenant => Assert.True(calls.GetValueOrDefault(tenant) > 0, tenant));

        SalesforceClientOptions Hooli(FakeSalesforceKeyPair keys, Uri loginUrl) => new()
        {
            LoginUrl = loginUrl,
            ClientId = hooliApp.ConsumerKey,
            Username = hooliUser.Username,
            PrivateKeyPem = keys.PrivateKeyPem,
            CertificatePem = keys.CertificatePem,
            AllowInsecureLoopback = true,
        };
    }

    private static async Task<(HttpStatusCode Status, string Authority)> GetAsync(HttpClient client, string tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, EndToEndKit.DataPath + "sobjects").SetSalesforceConnection(tenant);
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, response.RequestMessage!.RequestUri!.Authority);
    }
}
