using AotConsole;
using SalesforceAuth.AotSample;

namespace SalesforceAuth.Cli.Tests;

/// <summary>
/// samples/AotConsole: in process on the JIT (quick), and published as a Native AOT executable that must build with zero
/// warnings and get a 200 from FakeSalesforce (the packages' trimming and AOT check; it needs clang, see
/// eng/install-test-tools.sh).
/// </summary>
public sealed class AotConsoleTests
{
    [Fact]
    public async Task NoConfiguration_SaysWhatToSetAndExits2()
    {
        using var output = new StringWriter();

        var exitCode = await AotConsoleApp.RunAsync(output, new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("No org configured: set SF_LOGIN_URL, SF_CLIENT_ID, SF_USERNAME, SF_PRIVATE_KEY.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("SF_ALLOW_INSECURE_LOOPBACK=1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnFakeSalesforce_CallLandsOnTheOrgsHostWith200()
    {
        await using var org = await AotSampleOrg.StartAsync(TestContext.Current.CancellationToken);
        using var output = new StringWriter();

        var exitCode = await AotConsoleApp.RunAsync(output, org.Environment.ToDictionary(e => e.Key, e => (string?)e.Value), TestContext.Current.CancellationToken);

        var transcript = output.ToString();
        Assert.True(exitCode == 0, transcript);
        Assert.Contains($"{AotConsoleApp.SuccessPrefix}{new Uri(org.Org.InstanceUrl, "/services/data/")}", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotPreAuthorized_ExitCode1WithTheDiagnosis()
    {
        await using var org = await AotSampleOrg.StartAsync(TestContext.Current.CancellationToken);
        org.Emulator.ConnectedApps.Single().PreAuthorizedUsers.Clear();
        using var output = new StringWriter();

        var exitCode = await AotConsoleApp.RunAsync(output, org.Environment.ToDictionary(e => e.Key, e => (string?)e.Value), TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("Salesforce refused: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "NativeAot")]
    public async Task PublishedNative_ZeroWarningsAnd200OnFakeSalesforce()
    {
        if (!AotSampleBuild.HasNativeToolchain())
        {
            if (Environment.GetEnvironmentVariable("SALESFORCEAUTH_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail("clang is required (SALESFORCEAUTH_REQUIRE_TOOLS=1) for the Native AOT publish but was not found on PATH; run eng/install-test-tools.sh.");
            }

            Assert.Skip("clang is not installed; the Native AOT publish needs it and zlib1g-dev (eng/install-test-tools.sh installs them).");
        }

        var artifacts = Directory.CreateTempSubdirectory("sfauth-aot-publish-");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(8));
            var (publishExit, publishOutput, executable) = await AotSampleBuild.PublishAsync(artifacts.FullName, aot: true, timeout.Token);
            Assert.True(publishExit == 0, publishOutput);
            Assert.Contains("Generating native code", publishOutput, StringComparison.Ordinal);
            Assert.Empty(AotSampleBuild.Warnings(publishOutput));

            // The published file is a native executable, not a managed assembly with a host beside it.
            Assert.False(File.Exists(Path.ChangeExtension(executable, ".dll")), "the publish left a managed AotConsole.dll: it did not compile natively");

            await using var org = await AotSampleOrg.StartAsync(timeout.Token);
            var (exitCode, output) = await AotSampleBuild.RunAsync(org.StartInfo(executable), timeout.Token);

            Assert.True(exitCode == 0, output);
            Assert.Contains($"{AotConsoleApp.SuccessPrefix}{new Uri(org.Org.InstanceUrl, "/services/data/")}", output, StringComparison.Ordinal);
            Assert.Equal(1, org.Emulator.Counters.TokenRequests());
        }
        finally
        {
            artifacts.Delete(recursive: true);
        }
    }
}
