using System.CommandLine;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth revoke TOKEN</c>: revokes an access or refresh token.</summary>
internal static class RevokeCommand
{
    public static Command Create(CliHost host)
    {
        var token = new Argument<string>("TOKEN") { Description = "the access or refresh token to revoke" };
        var command = new Command("revoke", "Revoke an access or refresh token.") { token };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(token)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string token, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var options = ClientOptionsFactory.Create(context);
        using var session = new TokenSession(options, console.TimeProvider);
        await using (console.StartSpinner("Revoking"))
        {
            await session.Client.RevokeAsync(token, cancellationToken).ConfigureAwait(false);
        }

        if (console.Json)
        {
            console.WriteJson(new JsonObject { ["revoked"] = true });
        }
        else
        {
            console.Out.WriteLine($"{console.Green("✓")} Token revoked");
        }

        return ExitCodes.Success;
    }
}
