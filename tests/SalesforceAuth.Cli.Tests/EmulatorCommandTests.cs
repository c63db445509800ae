using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SalesforceAuth.Cli.Tests;

/// <summary>
/// <c>sfauth emulator</c> in process (and once as its own process, for SIGTERM): the settings it prints, in each form,
/// get a token from <c>sfauth token</c>; stopping it exits 0 and deletes the key and the ready file.
/// </summary>
public sealed partial class EmulatorCommandTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Emulator_ReadyFile_HoldsSettingsThatGetATokenThenCtrlCExitsZeroAndDeletesTheKey()
    {
        var readyFile = Path.Combine(Path.GetTempPath(), $"sfauth-ready-{Guid.NewGuid():N}.json");
        await using var emulator = EmulatorRun.Start("emulator", "--json", "--ready-file", readyFile, "--org", "globex", "--user", "ops@globex.example");

        await emulator.WaitReadyAsync();

        var ready = JsonNode.Parse(await File.ReadAllTextAsync(readyFile, Cancellation))!;
        Assert.Equal(ready.ToJsonString(), emulator.StdoutJson.ToJsonString());
        var environment = Environment(ready["environment"]!.AsObject());
        Assert.Equal("ops@globex.example", environment["SF_USERNAME"]);
        Assert.Equal("1", environment["SF_ALLOW_INSECURE_LOOPBACK"]);
        var keyPath = environment["SF_PRIVATE_KEY"]!;
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        }

        var token = await RunAsync(environment, "token", "--json");
        Assert.True(token.ExitCode == 0, token.ToString());
        Assert.Equal((string?)ready["instance_url"], new Uri((string)token.Json["instance_url"]!).GetLeftPart(UriPartial.Authority));
        Assert.Contains(ready["org_id"]!.ToString()[..15], (string)token.Json["access_token"]!, StringComparison.Ordinal);

        var result = await emulator.StopAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(keyPath), "the throwaway key is deleted on exit");
        Assert.False(File.Exists(readyFile), "the ready file is deleted on exit");
        Assert.Contains("POST /services/oauth2/token (urn:ietf:params:oauth:grant-type:jwt-bearer) -> 200", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(CliHarness.AccessTokenShape(), result.Stdout + result.Stderr);
        Assert.DoesNotContain("PRIVATE KEY", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_HumanOutput_PrintsExportLinesThatGetATokenForEveryFlowTheyCover()
    {
        await using var emulator = EmulatorRun.Start("emulator");

        await emulator.WaitReadyAsync();

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (Match line in ExportLine().Matches(emulator.Stdout))
        {
            environment[line.Groups["name"].Value] = line.Groups["value"].Value;
        }

        Assert.Equal(["SF_LOGIN_URL", "SF_CLIENT_ID", "SF_USERNAME", "SF_PRIVATE_KEY", "SF_CERTIFICATE", "SF_ALLOW_INSECURE_LOOPBACK"], environment.Keys);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", environment["SF_LOGIN_URL"]);
        Assert.Equal("integration@acme.example", environment["SF_USERNAME"]);
        Assert.All(emulator.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.True(l.StartsWith("# ", StringComparison.Ordinal) || l.StartsWith("export ", StringComparison.Ordinal), l));
        foreach (var flow in new[] { "jwt", "saml" })
        {
            var token = await RunAsync(environment, "token", "--flow", flow, "--json");
            Assert.True(token.ExitCode == 0, $"{flow}: {token}");
        }

        var result = await emulator.StopAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(environment["SF_PRIVATE_KEY"]), "the throwaway key is deleted on exit");
    }

    [Fact]
    public async Task Emulator_Port_ServesTheLoginUrlOnThatPort()
    {
        var port = FreePort();
        await using var emulator = EmulatorRun.Start("emulator", "--json", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await emulator.WaitReadyAsync();

        Assert.Equal($"http://127.0.0.1:{port}", (string?)emulator.StdoutJson["environment"]!["SF_LOGIN_URL"]);
        var result = await emulator.StopAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("-1")]
    [InlineData("65536")]
    public async Task Emulator_BadPort_Exit2NamingTheOptionAndTheRange(string port)
    {
        var result = await RunAsync(new Dictionary<string, string?>(), "emulator", "--json", "--port", port);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("UsageError", (string?)result.Error["type"]);
        Assert.Equal($"--port must be a whole number from 0 to 65535 (0 picks a free port), not '{port}'.", (string?)result.Error["summary"]);
    }

    [Fact]
    public async Task Emulator_PortInUse_Exit2SayingSoAndHowToPickAnother()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await RunAsync(new Dictionary<string, string?>(), "emulator", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --port {port}: 127.0.0.1:{port} is not available", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--port 0 for a free one", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--org", "acme corp", "--org must be a My Domain name")]
    [InlineData("--user", "integration", "--user must be a username in email form")]
    public async Task Emulator_BadOrgOrUser_Exit2NamingTheOption(string option, string value, string message)
    {
        var result = await RunAsync(new Dictionary<string, string?>(), "emulator", "--json", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message, (string?)result.Error["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_AsAProcess_SigtermExitsZeroAndDeletesTheKey()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        var readyFile = Path.Combine(Path.GetTempPath(), $"sfauth-ready-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sfauth.dll"), "emulator", "--ready-file", readyFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            // The settings reach a pipe as soon as the emulator listens: the last export line is the signal.
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(Cancellation)) is not null && !line.StartsWith("export SF_ALLOW_INSECURE_LOOPBACK=", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            var environment = Environment(JsonNode.Parse(await File.ReadAllTextAsync(readyFile, Cancellation))!["environment"]!.AsObject());
            var token = await RunAsync(environment, "token", "--json");
            Assert.True(token.ExitCode == 0, token.ToString());

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Cancellation);
            }

            await process.WaitForExitAsync(Cancellation);
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync(Cancellation));
            Assert.False(File.Exists(environment["SF_PRIVATE_KEY"]), "the throwaway key is deleted on SIGTERM");
            Assert.False(File.Exists(readyFile), "the ready file is deleted on SIGTERM");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static Dictionary<string, string?> Environment(JsonObject variables) =>
        variables.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    private static async Task<CliResult> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(args, stdout, stderr, environment, Cancellation);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^export (?<name>SF_[A-Z_]+)=(?<value>[^'\s]+)$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
