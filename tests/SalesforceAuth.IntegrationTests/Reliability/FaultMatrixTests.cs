using System.Diagnostics;
using System.Net;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Token endpoint faults injected into FakeSalesforce, each met by a cold token acquisition (a user with no cached
/// token) while the configured user keeps calling the API with its cached token. For every fault: how many requests
/// reached the token endpoint, the outcome, that attempts never exceed MaxRetries + 1, and that every API call on the
/// cached token succeeded meanwhile.
/// </summary>
/// <remarks>
/// Redirects: from the emulator's https loopback login every https loopback origin is trusted (TLS against the emulator's
/// certificate authority decides), so the emulator's My Domain stands in for "a Salesforce host". A foreign host cannot
/// be a second loopback listener for the same reason; it is a real foreign name (<c>evil.example</c>, a look-alike
/// suffix, a user-info trick), and the back channel's wire recorder proves that no request was even attempted towards it. A loopback trap
/// listener additionally proves that the API client refuses absolute URLs to another host.
/// </remarks>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class FaultMatrixTests(ITestOutputHelper output)
{
    private const int MaxRetries = 2;
    private const int Persistent = 10;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task TokenEndpointFaults_EachFault_BoundedAttemptsTypedOutcomeAndCachedCallsUnaffected()
    {
        await using var trap = new TrapListener();
        await using var kit = await ReliabilityKit.StartAsync(o =>
        {
            o.MaxRetries = MaxRetries;
            o.AttemptTimeout = AttemptTimeout;
            o.TotalTimeout = TimeSpan.FromSeconds(30);
        });
        using var client = kit.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var myDomainToken = new Uri(kit.Org.MyDomainUrl, "/services/oauth2/token");

        // Warm the configured user's token: from here on its calls need no token endpoint.
        using (var warm = await client.GetAsync(ReliabilityKit.ApiPath, ct))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var scenarios = new Scenario[]
        {
            new("500 once", k => k.Fake.InjectTokenFault(FakeFault.ServerError()), 2, null),
            new("500 persistent", k => k.Fake.InjectTokenFault(FakeFault.ServerError(), Persistent), MaxRetries + 1, SalesforceReason.ServiceUnavailable),
            new("503 HTML maintenance page once", k => k.Fake.InjectTokenFault(FakeFault.Maintenance()), 2, null),
            new("503 HTML maintenance page persistent", k => k.Fake.InjectTokenFault(FakeFault.Maintenance(), Persistent), MaxRetries + 1, SalesforceReason.ServiceUnavailable),
            new("429 (no body) once", k => k.Fake.InjectTokenFault(FakeFault.Status(429)), 2, null),
            new("429 (no body) persistent", k => k.Fake.InjectTokenFault(FakeFault.Status(429), Persistent), MaxRetries + 1, SalesforceReason.RateLimited),
            new("400 rate_limit_exceeded (not retried), persistent", k => k.Fake.InjectTokenFault(FakeFault.RateLimitExceeded(), Persistent), 1, SalesforceReason.RateLimited),
            new("429 rate_limit_exceeded once", k => k.Fake.InjectTokenFault(FakeFault.RateLimitExceeded(429)), 2, null),
            new("429 rate_limit_exceeded persistent", k => k.Fake.InjectTokenFault(FakeFault.RateLimitExceeded(429), Persistent), MaxRetries + 1, SalesforceReason.RateLimited),
            new("slow answer past AttemptTimeout once", k => k.Fake.InjectTokenFault(FakeFault.Delayed(TimeSpan.FromMinutes(5))), 2, null),
            new("slow answer past AttemptTimeout persistent", k => k.Fake.InjectTokenFault(FakeFault.Delayed(TimeSpan.FromMinutes(5)), Persistent), MaxRetries + 1, SalesforceReason.ServiceUnavailable),
            new("dropped connection once", k => k.Fake.InjectTokenFault(FakeFault.DropConnection()), 2, null),
            new("dropped connection persistent", k => k.Fake.InjectTokenFault(FakeFault.DropConnection(), Persistent), MaxRetries + 1, SalesforceReason.ServiceUnavailable),
            new("302 to the org's My Domain (trusted)", k => k.Fake.InjectTokenFault(FakeFault.Redirect(myDomainToken)), 2, null),
            new("307 to the org's My Domain (trusted)", k => k.Fake.InjectTokenFault(FakeFault.Redirect(myDomainToken, 307)), 2, null),
            new("302 three times (redirect loop)", k => k.Fake.InjectTokenFault(FakeFault.Redirect(myDomainToken), 3), 3, SalesforceReason.UnexpectedResponse),
            new("302 to https://evil.example", k => k.Fake.InjectTokenFault(FakeFault.Redirect(new Uri("https://evil.example/services/oauth2/token"))), 1, SalesforceReason.UntrustedInstanceUrl),
            new("302 to https://login.salesforce.com.evil.example", k => k.Fake.InjectTokenFault(FakeFault.Redirect(new Uri("https://login.salesforce.com.evil.example/services/oauth2/token"))), 1, SalesforceReason.UntrustedInstanceUrl),
            new("302 to https://evil.example@acme.my.salesforce.com", k => k.Fake.InjectTokenFault(FakeFault.Redirect(new Uri("https://evil.example@acme.my.salesforce.com/services/oauth2/token"))), 1, SalesforceReason.UntrustedInstanceUrl),
            new("302 to http://acme.my.salesforce.com (not https)", k => k.Fake.InjectTokenFault(FakeFault.Redirect(new Uri("http://acme.my.salesforce.com/services/oauth2/token"))), 1, SalesforceReason.UntrustedInstanceUrl),
        };
        Assert.True(scenarios.Length < ReliabilityKit.UserCount, "one cold user per scenario");

        var rows = new List<string[]>();
        var failures = new List<string>();
        for (var i = 0; i < scenarios.Length; i++)
        {
            var result = await RunAsync(kit, client, kit.Users[i + 1], scenarios[i], ct);
            rows.Add(result.Row);
            failures.AddRange(result.Failures.Select(f => $"{scenarios[i].Name}: {f}"));
        }

        // A request through the Salesforce client to any other host is refused before anything is sent.
        var refused = kit.Observe(await Assert.ThrowsAsync<SalesforceUntrustedInstanceException>(() => client.GetAsync(new Uri(trap.Url, "/services/data/v62.0/"), ct)));
        Assert.Equal(SalesforceReason.UntrustedInstanceUrl, refused.Reason);
        Assert.Equal("127.0.0.1", refused.RefusedHost);

        ReliabilityReport.Write(
            "1 Fault matrix",
            $"## 1. Fault matrix at the token endpoint (MaxRetries = {MaxRetries}, AttemptTimeout = {AttemptTimeout.TotalMilliseconds:F0} ms)\n\n"
            + "Each row: faults injected into FakeSalesforce, then a cold acquisition (a user with no cached token) through the "
            + "IHttpClientFactory client, while the configured user keeps calling the API with its cached token. "
            + "\"Token endpoint requests\" counts every request the emulator received on any host (a followed redirect is 2). "
            + "Foreign redirect targets are real foreign names: the back channel's wire recorder shows no request towards them.\n\n"
            + ReliabilityReport.Table(["Fault", "Injected", "Token endpoint requests", "Bound (MaxRetries + 1)", "Outcome", "API calls on the cached token (failed)", "Elapsed ms"], rows)
            + $"\nA request through the Salesforce client to a loopback trap on another port: {refused.GetType().Name} ({refused.Reason}); the trap saw {trap.Connections} connections.\n",
            output);
        ReliabilityReport.RecordSecrets("Fault matrix", kit.ScanForSecrets(), null);

        Assert.Empty(failures);

        // Successful grants: the warm-up and every recovering scenario; attempts abandoned by the client (slow answers)
        // are "aborted", not successes.
        Assert.Equal(1 + scenarios.Count(s => s.Expected is null), kit.Fake.Counters.TokenRequests(outcome: "success"));
        Assert.Equal(1 + (MaxRetries + 1), kit.Fake.Counters.TokenRequests(outcome: "aborted"));
        Assert.Equal(0, trap.Connections);
        Assert.DoesNotContain(kit.TokenTraffic.Origins.Keys, o => o.Contains("evil", StringComparison.OrdinalIgnoreCase) || o.Contains("salesforce.com", StringComparison.OrdinalIgnoreCase));
        Assert.All(kit.ApiTraffic.BearerOrigins.Keys, o => Assert.Equal(kit.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), o, ignoreCase: true));
        Assert.Empty(kit.ScanForSecrets().Findings);
    }

    private static async Task<(string[] Row, List<string> Failures)> RunAsync(ReliabilityKit kit, HttpClient client, FakeUser coldUser, Scenario scenario, CancellationToken ct)
    {
        var failures = new List<string>();
        var before = kit.TokenRequests;
        var started = Stopwatch.GetTimestamp();
        scenario.Inject(kit);

        using var coldRequest = new HttpRequestMessage(HttpMethod.Get, ReliabilityKit.ApiPath).SetSalesforceUsername(coldUser.Username);
        var cold = client.SendAsync(coldRequest, ct);

        // The cached user's calls run for as long as the cold acquisition struggles (at least 16, at most 5,000).
        var cachedCalls = 0;
        var cachedFailures = 0;
        while (cachedCalls < 16 || (!cold.IsCompleted && cachedCalls < 5_000))
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                try
                {
                    using var response = await client.GetAsync(ReliabilityKit.ApiPath, ct);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or SalesforceAuthenticationException)
                {
                    kit.Observe(ex);
                    return false;
                }
            }));
            cachedCalls += batch.Length;
            cachedFailures += batch.Count(ok => !ok);
        }

        string outcome;
        try
        {
            using var response = await cold;
            outcome = response.StatusCode == HttpStatusCode.OK ? "success" : $"HTTP {(int)response.StatusCode}";
            if (scenario.Expected is not null || response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"expected {scenario.Expected?.ToString() ?? "success"}, got HTTP {(int)response.StatusCode}");
            }
        }
        catch (SalesforceAuthenticationException ex)
        {
            kit.Observe(ex);
            outcome = $"{ex.GetType().Name} ({ex.Reason}{(ex.IsTransient ? ", transient" : "")})";
            if (ex.Reason != scenario.Expected)
            {
                failures.Add($"expected {scenario.Expected?.ToString() ?? "success"}, got {ex.Reason}: {ex.Message}");
            }

            if (ExpectedType(ex.Reason) is { } type && ex.GetType() != type)
            {
                failures.Add($"expected {type.Name}, got {ex.GetType().Name}");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var requests = kit.TokenRequests - before;
        kit.Fake.ClearFaults();
        if (requests != scenario.ExpectedRequests)
        {
            failures.Add($"expected {scenario.ExpectedRequests} token endpoint requests, got {requests}");
        }

        if (cachedFailures > 0)
        {
            failures.Add($"{cachedFailures} of {cachedCalls} API calls on the cached token failed");
        }

        return ([scenario.Name, scenario.Injected, requests.ToString(), (MaxRetries + 1).ToString(), outcome, $"{cachedCalls} ({cachedFailures})", ReliabilityReport.F(elapsed.TotalMilliseconds, "F0")], failures);
    }

    private static Type? ExpectedType(SalesforceReason reason) => reason switch
    {
        SalesforceReason.ServiceUnavailable => typeof(SalesforceServiceUnavailableException),
        SalesforceReason.RateLimited => typeof(SalesforceRateLimitException),
        SalesforceReason.UntrustedInstanceUrl => typeof(SalesforceUntrustedInstanceException),
        _ => null,
    };

    private sealed record Scenario(string Name, Action<ReliabilityKit> Inject, int ExpectedRequests, SalesforceReason? Expected)
    {
        public string Injected => Name.EndsWith("persistent", StringComparison.Ordinal) ? $"{Persistent}x" : Name.Contains("three times", StringComparison.Ordinal) ? "3x" : "1x";
    }
}
