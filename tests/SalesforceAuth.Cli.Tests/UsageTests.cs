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
    public async Task Token_UnreadableKeyFile_Exit2NamingTheOptionNotTheLibrarySetting()
    {
        var result = await RunAsync(new() { ["SF_CLIENT_ID"] = "3MVG9example", ["SF_USERNAME"] = "integration@acme.example", ["SF_PRIVATE_KEY"] = "/nonexistent/salesforce.key" }, "token", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("--key (or SF_PRIVATE_KEY) '/nonexistent/salesforce.key' cannot be read", (string?)result.Error["summary"], StringComparison.Ordinal);
        Assert.DoesNotContain("PrivateKeyPath", result.Error.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["--key (or SF_PRIVATE_KEY) is missing or invalid."], result.Error["causes"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public async Task Token_LightningLoginUrl_Exit2NamingTheOption()
    {
        var result = await RunAsync(new() { ["SF_LOGIN_URL"] = "https://acme.lightning.force.com", ["SF_CLIENT_ID"] = "3MVG9example", ["SF_USERNAME"] = "integration@acme.example", ["SF_PRIVATE_KEY"] = "/nonexistent/salesforce.key" }, "token", "--json");

        Assert.Equal(2, result.ExitCode);
        var summary = (string)result.Error["summary"]!;
        Assert.StartsWith("--login-url (or SF_LOGIN_URL) \"https://acme.lightning.force.com/\" is the Lightning UI host", summary, StringComparison.Ordinal);
        Assert.Contains("https://acme.my.salesforce.com", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommandsAndExitCodes()
    {
        var result = await RunAsync(new(), "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "token", "call", "assertion", "doctor", "introspect", "revoke" })
        {
            Assert.Matches($@"(?m)^  {command}\b", result.Stdout);
        }

        Assert.Contains("Exit codes: 0 success, 2 usage", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandHelp_ListsEveryConnectionOptionWithItsVariable()
    {
        var result = await RunAsync(new(), "token", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var variable in new[] { "SF_FLOW", "SF_LOGIN_URL", "SF_AUDIENCE", "SF_CLIENT_ID", "SF_CLIENT_SECRET", "SF_USERNAME", "SF_PRIVATE_KEY", "SF_PRIVATE_KEY_PASSWORD", "SF_CERTIFICATE", "SF_REFRESH_TOKEN", "SF_ALLOW_INSECURE_LOOPBACK", "SF_SKEW_COMPENSATION", "SF_MAX_RETRIES" })
        {
            Assert.Contains($"[env: {variable}]", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CommandHelp_ListsOnlyThatCommandsOptions()
    {
        var call = await RunAsync(new(), "call", "--help");
        var token = await RunAsync(new(), "token", "--help");

        Assert.Equal(0, call.ExitCode);
        Assert.Contains("--data", call.Stdout, StringComparison.Ordinal);
        Assert.Contains("--method", call.Stdout, StringComparison.Ordinal);
        Assert.Contains("<PATH>", call.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--show-token", call.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, token.ExitCode);
        Assert.Contains("--show-token", token.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--data", token.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--method", token.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", "--data", "{}")]
    [InlineData("token", "--method", "POST")]
    [InlineData("call", "/services/data/", "--show-token")]
    [InlineData("doctor", "extra")]
    public async Task Run_OptionOfAnotherCommand_Exit2BeforeAnythingRuns(params string[] args)
    {
        // No settings at all: had the command run, it would fail with a configuration error instead.
        var result = await RunAsync(new(), [.. args, "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("UsageError", (string?)result.Error["type"]);
        Assert.Contains($"'{args[^1]}'", (string)result.Error["summary"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--flw", "--flow", "token", "--flw", "jwt")]
    [InlineData("tokn", "token", "tokn")]
    [InlineData("--dta", "--data", "call", "/services/data/", "--dta", "{}")]
    public async Task Run_Typo_SuggestsTheNearestName(string typo, string suggestion, params string[] args)
    {
        var result = await RunAsync(new(), [.. args, "--json"]);

        Assert.Equal(2, result.ExitCode);
        var remedy = result.Error["remedies"]!.AsArray().Select(r => (string)r!).First();
        Assert.Equal($"'{typo}' was not matched. Did you mean one of the following? {suggestion}", remedy);
    }

    [Fact]
    public async Task Run_ResponseFile_SuppliesArguments()
    {
        var folder = Directory.CreateTempSubdirectory("sfauth-rsp-").FullName;
        try
        {
            var file = Path.Combine(folder, "settings.rsp");
            await File.WriteAllLinesAsync(file, ["--flow", "saml", "--json"], TestContext.Current.CancellationToken);

            var result = await RunAsync(new(), "token", $"@{file}");

            // The flow came from the file: the configuration error is about the SAML flow's settings, in JSON.
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("SamlBearer", (string)result.Error["summary"]!, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Run_SuggestDirective_CompletesCommandsAndValues()
    {
        // What dotnet-suggest sends: the cursor position and the command line typed so far.
        var commands = await RunAsync(new(), "[suggest:2]", "to");
        var flows = await RunAsync(new(), "[suggest:14]", "token --flow s");

        Assert.Equal(0, commands.ExitCode);
        Assert.Contains("token", commands.Stdout.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Equal(0, flows.ExitCode);
        Assert.Contains("saml", flows.Stdout.Split('\n', StringSplitOptions.TrimEntries));
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
