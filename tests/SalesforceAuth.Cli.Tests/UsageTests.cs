namespace SalesforceAuth.Cli.Tests;

public sealed class UsageTests
{
    private static async Task<CliResult> RunAsync(Dictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(args, stdout, stderr, environment, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("token", "--no-such-option")]
    [InlineData("token", "--flow", "password")]
    [InlineData("token", "--skew-compensation", "sometimes")]
    [InlineData("token", "--login-url", "not a url")]
    [InlineData("token", "--max-retries", "99")]
    [InlineData("call")]
    [InlineData("call", "https://evil.example/services/data/")]
    [InlineData("call", "/services/data/", "--data", "{not json")]
    [InlineData("token", "--client-id")]
    public async Task Run_BadUsage_Exit2WithUsageError(params string[] args)
    {
        var result = await RunAsync(new(), [.. args, "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("UsageError", (string?)result.Error["type"]);
        Assert.NotEmpty((string)result.Error["summary"]!);
    }

    [Fact]
    public async Task Run_NoCommand_Exit2()
    {
        var result = await RunAsync(new());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No command", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_MissingSettings_Exit2ConfigurationErrorNamingTheOption()
    {
        var result = await RunAsync(new() { ["SF_USERNAME"] = "integration@acme.example" }, "token", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("SalesforceConfigurationException", (string?)result.Error["type"]);
        Assert.Contains("--client-id (or SF_CLIENT_ID)", result.Error["remedies"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryOptionWithItsVariable()
    {
        var result = await RunAsync(new(), "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var variable in new[] { "SF_FLOW", "SF_LOGIN_URL", "SF_AUDIENCE", "SF_CLIENT_ID", "SF_CLIENT_SECRET", "SF_USERNAME", "SF_PRIVATE_KEY", "SF_PRIVATE_KEY_PASSWORD", "SF_CERTIFICATE", "SF_REFRESH_TOKEN", "SF_ALLOW_INSECURE_LOOPBACK", "SF_SKEW_COMPENSATION" })
        {
            Assert.Contains(variable, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Options_CommandLineWinsOverEnvironment()
    {
        // The environment says saml; the command line says jwt: the configuration error is about the JWT flow.
        var result = await RunAsync(new() { ["SF_FLOW"] = "saml" }, "token", "--flow", "jwt", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("JwtBearer", (string)result.Error["summary"]!, StringComparison.Ordinal);
    }
}
