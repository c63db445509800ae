using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth introspect [TOKEN|-]</c>: asks Salesforce whether a token is active, and for whom.</summary>
internal static class IntrospectCommand
{
    public static Command Create(CliHost host)
    {
        var token = TokenArgument.Create("the token to introspect (a fresh one when none is given)");
        var command = new Command("introspect", "Introspect a token; needs the consumer secret.") { token };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(token), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string? argument, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var given = await TokenArgument.ReadAsync(context, argument, cancellationToken).ConfigureAwait(false);
        using var session = TokenSession.Create(context);
        var options = session.Options;
        SalesforceTokenIntrospection result;
        await using (console.StartSpinner("Introspecting"))
        {
            var token = given is not null
                ? given
                : (await session.Client.RequestTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).AccessToken;
            result = await session.Client.IntrospectAsync(token, cancellationToken).ConfigureAwait(false);
        }

        var json = new JsonObject
        {
            ["active"] = result.Active,
            ["scope"] = TerminalText.Clean(result.Scope),
            ["client_id"] = TerminalText.Clean(result.ClientId),
            ["username"] = TerminalText.Clean(result.Username),
            ["sub"] = TerminalText.Clean(result.Subject),
            ["token_type"] = TerminalText.Clean(result.TokenType),
            ["exp"] = result.ExpiresAt?.ToUnixTimeSeconds(),
            ["iat"] = result.IssuedAt?.ToUnixTimeSeconds(),
            ["nbf"] = result.NotBefore?.ToUnixTimeSeconds(),
        };
        if (console.Json)
        {
            console.WriteJson(json);
            return ExitCodes.Success;
        }

        console.Out.WriteLine(result.Active ? $"{console.Green("✓")} Token is active" : $"{console.Yellow("✗")} Token is not active");
        console.WriteFields(
        [
            ("scope", TerminalText.Clean(result.Scope)),
            ("client_id", TerminalText.Clean(result.ClientId)),
            ("username", TerminalText.Clean(result.Username)),
            ("sub", TerminalText.Clean(result.Subject)),
            ("token_type", TerminalText.Clean(result.TokenType)),
            ("expires_at", result.ExpiresAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ("issued_at", result.IssuedAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
        ]);
        return ExitCodes.Success;
    }
}
