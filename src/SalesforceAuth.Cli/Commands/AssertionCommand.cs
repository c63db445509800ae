using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth assertion</c>: builds and signs the assertion the token request would post, and prints it.</summary>
internal static class AssertionCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("assertion", "Build and print the signed assertion without sending it.");
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, RunAsync);
        return command;
    }

    private static Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var console = context.Console;
        var options = ClientOptionsFactory.Create(context);

        // Built and signed locally, never sent: nothing to wait for.
        using var session = new TokenSession(options, console.TimeProvider);
        var assertion = session.Client.CreateAssertion();
        var json = new JsonObject
        {
            ["grant_type"] = assertion.GrantType,
            ["assertion"] = assertion.Value,
        };
        if (assertion.Xml is { } xml)
        {
            json["xml"] = xml;
        }
        else
        {
            var parts = assertion.Value.Split('.');
            json["header"] = DecodeSegment(parts[0]);
            json["claims"] = parts.Length > 1 ? DecodeSegment(parts[1]) : null;
        }

        if (console.Json)
        {
            console.WriteJson(json);
            return Task.FromResult(ExitCodes.Success);
        }

        console.Out.WriteLine($"{console.Bold("grant_type")}  {assertion.GrantType}");
        var pretty = new JsonSerializerOptions { WriteIndented = true };
        if (assertion.Xml is not null)
        {
            console.Out.WriteLine(console.Bold("xml"));
            console.Out.WriteLine(assertion.Xml);
        }
        else
        {
            console.Out.WriteLine(console.Bold("header"));
            console.Out.WriteLine(json["header"]?.ToJsonString(pretty));
            console.Out.WriteLine(console.Bold("claims"));
            console.Out.WriteLine(json["claims"]?.ToJsonString(pretty));
        }

        console.Out.WriteLine(console.Bold("assertion") + console.Dim("  (as it would be posted; valid for a few minutes)"));
        console.Out.WriteLine(assertion.Value);
        return Task.FromResult(ExitCodes.Success);
    }

    private static JsonNode? DecodeSegment(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
    }
}
