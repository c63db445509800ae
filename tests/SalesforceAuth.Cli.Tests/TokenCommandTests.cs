using System.Net;
using System.Net.Http.Headers;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Cli.Tests;

public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_HealthySetup_PrintsContractJsonWithRedactedToken()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json.AsObject();
        Assert.Equal(["instance_url", "id", "token_type", "scope", "issued_at", "access_token"], json.Select(p => p.Key));
        Assert.Equal(harness.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), new Uri((string)json["instance_url"]!).GetLeftPart(UriPartial.Authority));
        Assert.Equal("Bearer", (string?)json["token_type"]);
        Assert.EndsWith("[redacted]", (string)json["access_token"]!, StringComparison.Ordinal);
        Assert.True(long.TryParse((string?)json["issued_at"], out _), "issued_at is Salesforce's milliseconds string");
    }

    [Fact]
    public async Task Token_ShowToken_PrintsATokenThePodAccepts()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token", "--json", "--show-token");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri((string)result.Json["instance_url"]!), "/services/data/v62.0/sobjects"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)result.Json["access_token"]!);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_HumanOutput_IsAlignedAndUncolouredWhenRedirected()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal);
        var fields = result.Stdout.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  (\S+)(\s+)\S")).Where(m => m.Success).ToList();
        Assert.True(fields.Count >= 4, result.ToString());
        Assert.Single(fields.Select(m => m.Groups[1].Length + m.Groups[2].Length).Distinct());
        Assert.Contains("access_token", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_UserNotPreAuthorized_Exit3ConsumerNotApproved()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.PreAuthorizedUsers.Clear();

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("SalesforceConsumerNotApprovedException", (string?)result.Error["type"]);
        Assert.Equal("ConsumerNotApproved", (string?)result.Error["reason"]);
        Assert.Equal("invalid_grant", (string?)result.Error["error"]);
        Assert.NotEmpty(result.Error["remedies"]!.AsArray());
    }

    [Fact]
    public async Task Token_AppHasAnotherCertificate_Exit3InvalidAssertion()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        using var other = FakeSalesforceCertificates.CreateKeyPair("CN=someone else");
        harness.App.Certificate = other.PublicCertificate;

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("InvalidAssertion", (string?)result.Error["reason"]);
        Assert.Equal("SalesforceInvalidAssertionException", (string?)result.Error["type"]);
    }

    [Fact]
    public async Task Token_SandboxAudienceAtProduction_Exit3AudienceInvalid()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("token", "--json", "--audience", "https://test.salesforce.com");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("AudienceInvalid", (string?)result.Error["reason"]);
        Assert.Equal("SalesforceAudienceException", (string?)result.Error["type"]);

        // The library's remedies name SalesforceClientOptions.Audience; the tool's user sets an option or a variable.
        var remedies = result.Error["remedies"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.DoesNotContain(remedies, r => r.Contains("SalesforceClientOptions", StringComparison.Ordinal));
        Assert.Contains(remedies, r => r.Contains("Set --audience (or SF_AUDIENCE) to override the derived value.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_SkewedClockWithCompensationOff_Exit3AssertionExpiredWithMeasuredSkew()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.ClockOffset = TimeSpan.FromMinutes(10);
        harness.Environment["SF_SKEW_COMPENSATION"] = "off";

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("AssertionExpired", (string?)result.Error["reason"]);
        Assert.Equal("SalesforceAssertionExpiredException", (string?)result.Error["type"]);
        Assert.InRange((double)result.Error["clock_skew_seconds"]!, 590, 610);
    }

    [Fact]
    public async Task Token_SkewedClockWithCompensationOn_Succeeds()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.ClockOffset = TimeSpan.FromMinutes(10);

        var result = await harness.RunAsync("token", "--json", "--skew-compensation", "on");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Token_EmulatorUnderMaintenance_Exit4()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.InjectTokenFault(FakeFault.Maintenance(), count: 5);

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("ServiceUnavailable", (string?)result.Error["reason"]);
    }

    [Fact]
    public async Task Token_NothingListening_Exit4()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["SF_LOGIN_URL"] = "http://127.0.0.1:1";

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public async Task Token_ErrorWithoutJson_GoesToStderrWithRemedies()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.PreAuthorizedUsers.Clear();

        var result = await harness.RunAsync("token");

        Assert.Equal(3, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("How to fix:", result.Stderr, StringComparison.Ordinal);
    }
}
