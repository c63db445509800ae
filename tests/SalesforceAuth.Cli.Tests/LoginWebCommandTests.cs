using System.Net;
using System.Net.Sockets;
using System.Text;
using SalesforceAuth.Cli.Commands;

namespace SalesforceAuth.Cli.Tests;

/// <summary><c>sfauth login web</c> end to end on FakeSalesforce; the test plays the browser by following the printed URL.</summary>
public sealed class LoginWebCommandTests
{
    [Fact]
    public async Task LoginWeb_Approved_SavesTheRefreshTokenOwnerOnlyAndPrintsInstanceAndUser()
    {
        await using var harness = await StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"sfauth-rt-{Guid.NewGuid():N}");
        try
        {
            await using var login = LoginRun.Start(harness, "login", "web", "--refresh-token-file", file, "--json");

            var page = await login.BrowseAsync();

            Assert.Contains("Logged in", page, StringComparison.Ordinal);
            var result = await login.Result;
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(harness.User.Username, (string?)result.Json["username"]);
            Assert.Equal(harness.Org.InstanceUrl.GetLeftPart(UriPartial.Authority), (string?)result.Json["instance_url"]);
            Assert.Null(result.Json["refresh_token"]);
            var refreshToken = File.ReadAllText(file).Trim();
            Assert.DoesNotContain(refreshToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            // The next run of the refresh-token flow reads the saved token from the same file.
            harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;
            var token = await harness.RunAsync("token", "--flow", "refresh-token", "--refresh-token-file", file, "--json");
            Assert.True(token.ExitCode == 0, token.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task LoginWeb_ShowToken_PrintsTheRefreshToken()
    {
        await using var harness = await StartAsync();
        await using var login = LoginRun.Start(harness, "login", "web", "--show-token", "--json");

        await login.BrowseAsync();

        var result = await login.Result;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("5Aep", (string?)result.Json["refresh_token"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginWeb_UserDenies_AccessDeniedExitThree()
    {
        await using var harness = await StartAsync();
        harness.Emulator.ApproveAuthorization = false;
        await using var login = LoginRun.Start(harness, "login", "web", "--show-token", "--json");

        var page = await login.BrowseAsync();

        Assert.Contains("Login failed", page, StringComparison.Ordinal);
        var result = await login.Result;
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("access_denied", (string?)result.Error["error"]);
    }

    [Fact]
    public async Task LoginWeb_CallbackNotRegistered_BrowserShowsRedirectUriMismatch()
    {
        await using var harness = await StartAsync();
        await using var login = LoginRun.Start(harness, "login", "web", "--show-token");
        harness.App.CallbackUrls.Clear();

        var page = await login.BrowseAsync();

        // Salesforce shows this on its own page and never calls back: the user cancels the waiting tool.
        Assert.Contains("error=redirect_uri_mismatch", page, StringComparison.Ordinal);
        login.Cancel();
        Assert.Equal(130, (await login.Result).ExitCode);
    }

    [Fact]
    public async Task LoginWeb_ForgedCallbackWithAnotherState_IsIgnored()
    {
        await using var harness = await StartAsync();
        await using var login = LoginRun.Start(harness, "login", "web", "--show-token", "--json");
        var url = await login.Url;

        using var browser = new HttpClient();
        using var forged = await browser.GetAsync(new Uri($"http://localhost:{login.Port}/callback?code=stolen&state=other"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(login.Result.IsCompleted);

        await login.BrowseAsync();
        Assert.Equal(0, (await login.Result).ExitCode);
    }

    [Fact]
    public async Task LoginWeb_SecretRequiredAndNotGiven_InvalidClientWithTheRemedy()
    {
        await using var harness = await StartAsync();
        harness.App.RequireSecretForWebServerFlow = true;
        await using var login = LoginRun.Start(harness, "login", "web", "--show-token", "--json");

        await login.BrowseAsync();

        var result = await login.Result;
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("invalid_client", (string?)result.Error["error"]);
        Assert.Contains("--client-secret", result.Error["remedies"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginWeb_NoWhereToPutTheToken_UsageError()
    {
        await using var harness = await StartAsync();

        var result = await harness.RunAsync("login", "web");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--refresh-token-file", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliHarness> StartAsync()
    {
        var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.RequireSecretForWebServerFlow = false;
        harness.Emulator.AuthorizingUser = harness.User;
        return harness;
    }

    /// <summary>One <c>sfauth login web</c> running in the background on a free port, and the browser the test plays.</summary>
    private sealed class LoginRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private readonly UrlWatchingWriter _stderr = new();

        private LoginRun(CliHarness harness, int port, string[] args)
        {
            Port = port;
            harness.App.CallbackUrls.Add($"http://localhost:{port}/callback");
            Result = RunAsync(harness, [.. args, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-browser"]);
        }

        public int Port { get; }

        public Task<string> Url => _stderr.Url;

        public Task<CliResult> Result { get; }

        public static LoginRun Start(CliHarness harness, params string[] args) => new(harness, FreePort(), args);

        /// <summary>Follows the printed URL like a browser (redirects included) and returns the last page's text.</summary>
        public async Task<string> BrowseAsync()
        {
            var url = await Url.WaitAsync(TestContext.Current.CancellationToken);
            using var browser = new HttpClient();
            using var response = await browser.GetAsync(new Uri(url), TestContext.Current.CancellationToken);
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        public void Cancel() => _cancel.Cancel();

        public async ValueTask DisposeAsync()
        {
            _cancel.Cancel();
            try
            {
                await Result;
            }
            catch (OperationCanceledException)
            {
            }

            _cancel.Dispose();
            _stderr.Dispose();
        }

        private async Task<CliResult> RunAsync(CliHarness harness, string[] args)
        {
            using var stdout = new StringWriter();
            await Task.Yield();
            var exitCode = await Program.RunAsync(args, stdout, _stderr, harness.Environment, _cancel.Token);
            var result = new CliResult(exitCode, stdout.ToString(), _stderr.ToString());
            harness.AssertNoSecrets(result.Stdout + result.Stderr, allowToken: args.Contains("--show-token"));
            return result;
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }

    /// <summary>stderr that completes <see cref="Url"/> when the tool prints the authorization URL.</summary>
    private sealed class UrlWatchingWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Url => _url.Task;

        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            Check();
        }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check();
        }

        private void Check()
        {
            if (_url.Task.IsCompleted)
            {
                return;
            }

            var line = ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("http", StringComparison.Ordinal) && l.Contains("/services/oauth2/authorize", StringComparison.Ordinal));
            if (line is not null)
            {
                _url.TrySetResult(line);
            }
        }
    }
}
