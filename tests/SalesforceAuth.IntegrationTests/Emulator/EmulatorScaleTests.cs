using System.Globalization;
using System.Net;
using SalesforceAuth.IntegrationTests.Flows;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

/// <summary>
/// FakeSalesforce with an ISV's numbers: thousands of orgs and users on a handful of pods. Orgs cost no listener until
/// their My Domain is used, and request handling looks orgs, users and sessions up by key (per-request cost against the
/// org count: <c>--probe-emulator-scale</c> in the benchmarks).
/// </summary>
public sealed class EmulatorScaleTests
{
    private const int Orgs = 5_000;
    private static readonly string[] Pods = ["na1", "eu2", "ap1"];

    private static CancellationToken Ct => FlowKit.Cancel;

    [Fact]
    public async Task FiveThousandOrgsTimesTwoUsers_GrantsRestCallsIdentityAndMyDomainWorkForAnyOrg()
    {
        await using var kit = await FlowKit.StartAsync();
        var orgs = new List<(FakeOrg Org, FakeUser First, FakeUser Second)>(Orgs);
        for (var i = 0; i < Orgs; i++)
        {
            var org = kit.Fake.AddOrg("customer" + i.ToString(CultureInfo.InvariantCulture), pod: Pods[i % Pods.Length]);
            var first = org.AddUser($"integration@customer{i}.example");
            var second = org.AddUser($"reporting@customer{i}.example");
            kit.App.PreAuthorizedUsers.Add(first);
            kit.App.PreAuthorizedUsers.Add(second);
            orgs.Add((org, first, second));
        }

        Assert.Equal(Orgs + 1, kit.Fake.Orgs.Count);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in new[] { 0, 1, Orgs / 2, Orgs - 1 })
        {
            var (org, first, second) = orgs[index];
            foreach (var user in new[] { first, second })
            {
                // At the shared login service: the user's org is found by username among 10,000.
                var token = await kit.Client(kit.Options(SalesforceFlow.JwtBearer, o => o.Username = user.Username)).RequestTokenAsync(cancellationToken: Ct);
                Assert.True(tokens.Add(token.AccessToken));
                Assert.StartsWith(org.OrgId[..15] + "!", token.AccessToken, StringComparison.Ordinal);
                Assert.Equal(kit.Fake.GetPodUrl(Pods[index % Pods.Length]), token.InstanceUrl);
                Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(token)).StatusCode);

                // The identity URL names the user by id: found among 10,000 users, in this org only.
                using var identity = await kit.GetWithTokenAsync(token.IdentityUrl!, token.AccessToken);
                Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
                Assert.Contains(user.UserId, await identity.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }

            // A session of one org is refused on another org's identity URL.
            var other = orgs[(index + 1) % Orgs].First;
            var mine = await kit.Client(kit.Options(SalesforceFlow.JwtBearer, o => o.Username = first.Username)).RequestTokenAsync(cancellationToken: Ct);
            using var foreign = await kit.GetWithTokenAsync(new Uri(mine.IdentityUrl!.ToString().Replace(first.UserId, other.UserId, StringComparison.Ordinal)), mine.AccessToken);
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        // A My Domain used for the first time (its listener starts now), as login URL and as audience at the login service.
        var last = orgs[^1];
        var atMyDomain = await kit.Client(kit.Options(SalesforceFlow.JwtBearer, o =>
        {
            o.Username = last.Second.Username;
            o.LoginUrl = last.Org.MyDomainUrl;
        })).RequestTokenAsync(cancellationToken: Ct);
        var myDomainAudience = await kit.Client(kit.Options(SalesforceFlow.JwtBearer, o =>
        {
            o.Username = last.First.Username;
            o.Audience = last.Org.MyDomainUrl.GetLeftPart(UriPartial.Authority);
        })).RequestTokenAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(atMyDomain)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.ApiAsync(myDomainAudience)).StatusCode);

        // Another org's My Domain does not log this org's users in.
        await Assert.ThrowsAnyAsync<SalesforceAuthenticationException>(() => kit.Client(kit.Options(SalesforceFlow.JwtBearer, o =>
        {
            o.Username = last.First.Username;
            o.LoginUrl = orgs[0].Org.MyDomainUrl;
        })).RequestTokenAsync(cancellationToken: Ct));
    }
}
