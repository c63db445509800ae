namespace SalesforceAuth.Cli.Tests;

public sealed class CallCommandTests
{
    [Fact]
    public async Task Call_RelativePath_LandsOnTheOrgsPodThroughTheHandler()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("call", "/services/data/v62.0/query?q=SELECT+Id+FROM+Account", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json.AsObject();
        Assert.Equal(["status", "url", "body"], json.Select(p => p.Key));
        Assert.Equal(200, (int)json["status"]!);
        var url = new Uri((string)json["url"]!);
        Assert.Equal(harness.Org.InstanceUrl.Authority, url.Authority);
        Assert.NotEqual(harness.Emulator.LoginUrl.Authority, url.Authority);
        Assert.Equal("/services/data/v62.0/query", url.AbsolutePath);
        Assert.NotNull(json["body"]!["totalSize"]);
    }

    [Fact]
    public async Task Call_PostWithData_SendsTheBody()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("call", "--method", "POST", "/services/data/v62.0/sobjects/Account", "--data", """{"Name":"Acme"}""", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(201, (int)result.Json["status"]!);
        Assert.NotNull(result.Json["body"]!["id"]);
    }

    [Fact]
    public async Task Call_ApiErrorStatus_Exit5WithTheSalesforceErrorBody()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("call", "/services/data/v62.0/query?q=nonsense", "--json");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(400, (int)result.Json["status"]!);
        Assert.Equal("MALFORMED_QUERY", (string?)result.Json["body"]![0]!["errorCode"]);
    }

    [Fact]
    public async Task Call_TokenRefused_Exit3WithTypedError()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.PreAuthorizedUsers.Clear();

        var result = await harness.RunAsync("call", "/services/data/v62.0/", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("ConsumerNotApproved", (string?)result.Error["reason"]);
    }

    [Fact]
    public async Task Call_HumanOutput_ShowsMethodUrlAndStatus()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);

        var result = await harness.RunAsync("call", "/services/data/v62.0/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"GET {harness.Org.InstanceUrl.GetLeftPart(UriPartial.Authority)}/services/data/v62.0/ 200 OK", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_TokenEndpointUnderMaintenance_Exit4()
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.Emulator.InjectTokenFault(SalesforceAuth.Testing.FakeFault.Maintenance(), count: 5);

        var result = await harness.RunAsync("call", "/services/data/v62.0/", "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("ServiceUnavailable", (string?)result.Error["reason"]);
    }
}
