namespace SalesforceAuth.Cli.Tests;

/// <summary>Colour and spinner only for a person at a terminal; never in JSON or when NO_COLOR is set.</summary>
public sealed class TerminalOutputTests
{
    private static async Task<CliResult> RunAsTerminalAsync(CliHarness harness, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(args, stdout, stderr, harness.Environment, isTerminal: true, TimeProvider.System, TestContext.Current.CancellationToken, spinner: true);
        var result = new CliResult(exitCode, stdout.ToString(), stderr.ToString());
        harness.AssertNoSecrets(result.Stdout + result.Stderr);
        return result;
    }

    [Fact]
    public async Task Token_OnATerminal_IsColouredWithASpinnerOnStderr()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await RunAsTerminalAsync(harness, "token");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\u001b[32m", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Requesting a token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_OnATerminalWithNoColor_IsPlain()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Environment["NO_COLOR"] = "1";

        var result = await RunAsTerminalAsync(harness, "token");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_JsonOnATerminal_HasNoSpinnerAndNoColour()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await RunAsTerminalAsync(harness, "token", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal);
        Assert.NotNull(result.Json["instance_url"]);
    }
}
