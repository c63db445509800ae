using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Tests;

/// <summary>Server-provided text never reaches the terminal with its control characters.</summary>
public sealed class TerminalTextTests
{
    private const string Hostile = "\u001b[2J\u001b[Hinvalid\u001b]0;owned\u0007 assertion\u009b2J\r\u0008";

    [Theory]
    [InlineData("\u001b[2Jcleared", "cleared")]
    [InlineData("\u001b[1;31mred\u001b[0m", "red")]
    [InlineData("title\u001b]0;owned\u0007!", "title!")]
    [InlineData("clip\u001b]52;c;aGk=\u001b\\board", "clipboard")]
    [InlineData("dcs\u001bPq#0\u001b\\done", "dcsdone")]
    [InlineData("c1\u009b2Jcsi", "c1csi")]
    [InlineData("bell\u0007\u0000back\u0008\rspace\u007f", "bellbackspace")]
    [InlineData("keeps\ttabs\nand lines", "keeps\ttabs\nand lines")]
    [InlineData("unterminated\u001b[", "unterminated")]
    [InlineData("plain é ✓", "plain é ✓")]
    public void Clean_RemovesControlsAndEscapeSequences(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Clean(text));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Token_ErrorDescriptionWithEscapes_IsPrintedWithoutThem(bool json)
    {
        await using var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        await using var server = await HostileTokenEndpoint.StartAsync();
        harness.Environment["SF_LOGIN_URL"] = server.Url;

        var result = await harness.RunAsync(json ? ["token", "--json"] : ["token"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        var output = result.Stdout + result.Stderr;
        Assert.Contains("invalid assertion", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u001b", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u009b", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u009b", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\r", output, StringComparison.Ordinal);
    }

    /// <summary>A token endpoint that refuses every request with escape sequences in the error description.</summary>
    private sealed class HostileTokenEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private HostileTokenEndpoint(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<HostileTokenEndpoint> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(context =>
            {
                context.Response.StatusCode = 400;
                return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "invalid_grant", ["error_description"] = Hostile });
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HostileTokenEndpoint(app, address);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
