using System.CommandLine;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth revoke TOKEN|-</c>: revokes an access or refresh token.</summary>
internal static class RevokeCommand
{
    public static Command Create(CliHost host)
    {
        var token = TokenArgument.Create("the access or refresh token to revoke");
        var command = new Command("revoke", "Revoke an access or refresh token.") { token };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(token), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string? argument, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var token = await TokenArgument.ReadAsync(context, argument, cancellationToken).ConfigureAwait(false)
            ?? throw new UsageException($"revoke needs the token to revoke: 'sfauth revoke - < token.txt', or set {TokenArgument.Variable}.");
        using var session = TokenSession.Create(context);
        var options = session.Options;
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
