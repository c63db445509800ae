using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth token</c>: acquire a token and print it.</summary>
internal static class TokenCommand
{
    public static Command Create(CliHost host)
    {
        var showToken = ShowTokenOption("print the access token instead of redacting it");
        var command = new Command("token", "Acquire a token and print it (redacted unless --show-token).") { showToken };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(showToken), cancellationToken));
        return command;
    }

    /// <summary><c>--show-token</c>: the one way a credential reaches the output.</summary>
    public static Option<bool> ShowTokenOption(string description) => new("--show-token") { Description = description };

    private static async Task<int> RunAsync(CommandContext context, bool showToken, CancellationToken cancellationToken)
    {
        var console = context.Console;
        using var session = TokenSession.Create(context);
        var options = session.Options;
        SalesforceToken token;
        await using (console.StartSpinner($"Requesting a token from {session.Client.TokenEndpoint} ({ClientOptionsFactory.FlowName(options.Flow)})"))
        {
            token = await session.Client.RequestTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (console.Json)
        {
            console.WriteJson(ToJson(token, showToken));
            return ExitCodes.Success;
        }

        console.Out.WriteLine($"{console.Green("✓")} Token issued ({ClientOptionsFactory.FlowName(options.Flow)} flow)");
        console.WriteFields(
        [
            ("instance_url", token.InstanceUrl.ToString()),
            ("id", token.IdentityUrl?.ToString()),
            ("token_type", TerminalText.Clean(token.TokenType)),
            ("scope", TerminalText.Clean(token.Scope)),
            ("issued_at", token.IssuedAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ("access_token", showToken ? token.AccessToken : Redact(token.AccessToken) + console.Dim("  (--show-token to print it)")),
        ]);
        if (session.Client.ClockSkew is { } skew && skew.Duration() >= TimeSpan.FromSeconds(5))
        {
            console.Out.WriteLine($"  {console.Yellow("!")} clock skew {ErrorReport.FormatSkew(skew)}");
        }

        return ExitCodes.Success;
    }

    /// <summary>The contract's <c>{"instance_url","id","token_type","scope","issued_at","access_token"}</c>.</summary>
    public static JsonObject ToJson(SalesforceToken token, bool showToken) => new()
    {
        ["instance_url"] = token.InstanceUrl.ToString(),
        ["id"] = token.IdentityUrl?.ToString(),
        ["token_type"] = TerminalText.Clean(token.TokenType),
        ["scope"] = TerminalText.Clean(token.Scope),

        // As Salesforce sends it: milliseconds since the Unix epoch, as a string (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&type=5).
        ["issued_at"] = token.IssuedAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        ["access_token"] = showToken ? token.AccessToken : Redact(token.AccessToken),
    };

    /// <summary>
    /// A redacted token: the org id prefix before '!' is not secret and tells orgs apart (Salesforce Help "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm&amp;type=5); the rest is.
    /// </summary>
    public static string Redact(string accessToken)
    {
        var bang = accessToken.IndexOf('!', StringComparison.Ordinal);
        return bang is > 0 and <= 18 ? $"{accessToken[..(bang + 1)]}[redacted]" : "[redacted]";
    }
}
