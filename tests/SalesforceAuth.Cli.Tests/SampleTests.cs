using System.Text.RegularExpressions;

namespace SalesforceAuth.Cli.Tests;

/// <summary>Each sample started through its entry method with no org configured, so it runs on FakeSalesforce.</summary>
public sealed class SampleTests
{
    private static readonly Regex AccessToken = CliHarness.AccessTokenShape();

    private static void AssertNoSecrets(string transcript)
    {
        Assert.DoesNotMatch(AccessToken, transcript);
        Assert.DoesNotContain("PRIVATE KEY", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quickstart_NoConfiguration_WalksThroughTokenApiCallSamlAndADiagnosedFailure()
    {
        using var output = new StringWriter();

        var exitCode = await Quickstart.QuickstartApp.RunAsync(output, new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.Contains("starting FakeSalesforce", transcript, StringComparison.Ordinal);
        Assert.Contains("1. JWT bearer token", transcript, StringComparison.Ordinal);
        Assert.Contains("[redacted]", transcript, StringComparison.Ordinal);
        Assert.Contains("The request landed on the org's own host", transcript, StringComparison.Ordinal);
        Assert.Contains("3. SAML bearer token", transcript, StringComparison.Ordinal);
        Assert.Matches(@"3\. SAML bearer token\s+access_token\s+00D\w+!\[redacted\]", transcript);
        Assert.Contains("SalesforceAssertionExpiredException: AssertionExpired", transcript, StringComparison.Ordinal);
        Assert.Matches(@"Measured skew\s+\+(59\d|60\d) s", transcript);
        Assert.Contains("Fix ", transcript, StringComparison.Ordinal);
        Assert.Contains("With skew compensation on (the default) the same request succeeds", transcript, StringComparison.Ordinal);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task JwtBearerConsole_NoConfiguration_GetsATokenAndCallsTheApi()
    {
        using var output = new StringWriter();

        var exitCode = await JwtBearerConsole.JwtBearerApp.RunAsync(output, new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.Contains("JWT bearer token", transcript, StringComparison.Ordinal);
        Assert.Matches(@"GET http://127\.0\.0\.1:\d+/services/data/v62\.0/ -> 200 OK", transcript);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task SamlBearerConsole_NoConfiguration_GetsATokenAndCallsTheApi()
    {
        using var output = new StringWriter();

        var exitCode = await SamlBearerConsole.SamlBearerApp.RunAsync(output, new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.Contains("SAML bearer token", transcript, StringComparison.Ordinal);
        Assert.Matches(@"GET http://127\.0\.0\.1:\d+/services/data/v62\.0/ -> 200 OK", transcript);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task WorkerService_NoConfiguration_RunsTwiceThroughTheTypedClientAndStops()
    {
        using var output = new StringWriter();

        var exitCode = await WorkerService.WorkerApp.RunAsync(
            output,
            new Dictionary<string, string?>(),
            ["--Worker:Iterations=2", "--Worker:Interval=00:00:00.010"],
            TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.Matches(@"run 1: query returned \d+ accounts, sent to http://127\.0\.0\.1:\d+/services/data/v62\.0/query", transcript);
        Assert.Contains("run 2: query returned", transcript, StringComparison.Ordinal);
        Assert.Contains("Worker stopped.", transcript, StringComparison.Ordinal);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task PubSubSubscriber_NoConfiguration_SurvivesTheRevocationWithOneRenewalAndHandlesEveryEventOnce()
    {
        using var output = new StringWriter();

        var exitCode = await PubSubSubscriber.SubscriberApp.RunAsync(output, new Dictionary<string, string?>(), [], TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        var handled = transcript.Split('\n').Where(l => l.StartsWith("event ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 2)..l.IndexOf(" (", StringComparison.Ordinal)]).ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(n => $"order {n} shipped"), handled);
        Assert.Contains("session ended mid-stream (sfdc.platform.eventbus.grpc.service.auth.error); token renewed; resubscribing after replay id 0000000000000003", transcript, StringComparison.Ordinal);
        Assert.Contains("token requests: 2 ", transcript, StringComparison.Ordinal);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task JwtBearerConsole_SettingsFromSfauthEmulator_UsesThemOverPlainHttp()
    {
        await using var emulator = EmulatorRun.Start("emulator", "--json");
        await emulator.WaitReadyAsync();
        using var output = new StringWriter();

        var exitCode = await JwtBearerConsole.JwtBearerApp.RunAsync(output, emulator.Environment, TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.StartsWith($"Using the org configured by SF_* variables: {emulator.Environment["SF_LOGIN_URL"]} as integration@acme.example.", transcript, StringComparison.Ordinal);
        Assert.Matches(@"GET http://127\.0\.0\.1:\d+/services/data/v62\.0/ -> 200 OK", transcript);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task WorkerService_SettingsFromSfauthEmulator_UsesThemOverPlainHttp()
    {
        await using var emulator = EmulatorRun.Start("emulator", "--json");
        await emulator.WaitReadyAsync();
        using var output = new StringWriter();

        var exitCode = await WorkerService.WorkerApp.RunAsync(output, emulator.Environment, ["--Worker:Iterations=1"], TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.DoesNotContain("starting FakeSalesforce", transcript, StringComparison.Ordinal);
        Assert.Contains("Worker started: querying Accounts through the typed client, 1 time(s).", transcript, StringComparison.Ordinal);
        Assert.Contains("run 1: query returned", transcript, StringComparison.Ordinal);
        AssertNoSecrets(transcript);
    }

    [Fact]
    public async Task WorkerService_NoIterations_SaysItRunsUntilStoppedAndHow()
    {
        using var output = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var transcript = new TranscriptWatcher(output, "run 1:", stop);

        var exitCode = await WorkerService.WorkerApp.RunAsync(transcript, new Dictionary<string, string?>(), [], stop.Token);

        Assert.True(exitCode == 0, output.ToString());
        Assert.Contains("Worker started: querying Accounts through the typed client until stopped (Ctrl+C; --Worker:Iterations=N stops after N runs).", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Worker stopped.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtBearerConsole_SomeVariablesSet_SaysWhichAreMissingInsteadOfUsingTheEmulator()
    {
        using var output = new StringWriter();
        var environment = new Dictionary<string, string?> { ["SF_LOGIN_URL"] = "https://login.salesforce.com", ["SF_USERNAME"] = "integration@acme.com", ["SF_PRIVATE_KEY"] = "salesforce.key" };

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => JwtBearerConsole.JwtBearerApp.RunAsync(output, environment, TestContext.Current.CancellationToken));

        Assert.Equal("SF_CLIENT_ID", error.Setting);
        Assert.Equal(
            "SF_CLIENT_ID is not set, but SF_LOGIN_URL, SF_USERNAME and SF_PRIVATE_KEY are. Set SF_CLIENT_ID (the connected app's consumer key) to use your org, or unset the SF_* variables to run on the built-in emulator.",
            error.Message);
        Assert.DoesNotContain("FakeSalesforce", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerService_SomeVariablesSet_SaysWhichAreMissingInsteadOfUsingTheEmulator()
    {
        using var output = new StringWriter();
        var environment = new Dictionary<string, string?> { ["SF_CLIENT_ID"] = "3MVG9example" };

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => WorkerService.WorkerApp.RunAsync(output, environment, [], TestContext.Current.CancellationToken));

        Assert.StartsWith("SF_LOGIN_URL, SF_USERNAME and SF_PRIVATE_KEY are not set, but SF_CLIENT_ID is. Set SF_LOGIN_URL (", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A transcript that cancels <paramref name="stop"/> (Ctrl+C) once <paramref name="marker"/> is written.</summary>
    private sealed class TranscriptWatcher(TextWriter inner, string marker, CancellationTokenSource stop) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            if (value?.StartsWith(marker, StringComparison.Ordinal) == true)
            {
                stop.Cancel();
            }
        }
    }
}
