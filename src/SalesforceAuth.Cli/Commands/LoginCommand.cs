using System.CommandLine;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Login;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth login web</c>: obtains a refresh token through the browser.</summary>
internal static class LoginCommand
{
    public const int DefaultPort = 1717;
    public const string DefaultScope = "api refresh_token";

    /// <summary>Where <c>login web</c> saves the token: the same setting the refresh-token flow reads it from.</summary>
    private static readonly SettingOption SaveTo = SettingOption.RefreshTokenFile with
    {
        Help = "save the refresh token to this file (owner-only, replaced atomically); the token is never printed without --show-token",
    };

    public static Command Create(CliHost host)
    {
        var scope = SettingOption.RequireValue(new Option<string>("--scope") { Description = $"the scopes to request (default \"{DefaultScope}\"; refresh_token is what issues a refresh token)", HelpName = "scopes" });
        var port = new Option<int>("--port") { Description = $"the port of the callback http://localhost:PORT/callback, which must be one of the app's callback URLs (default {DefaultPort})", HelpName = "n", DefaultValueFactory = _ => DefaultPort };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError("--port must be from 1 to 65535.");
            }
        });
        var showToken = TokenCommand.ShowTokenOption("print the refresh and access tokens (credentials) as well");
        var noBrowser = new Option<bool>("--no-browser") { Description = "print the login URL instead of opening a browser" };
        var web = new Command(
            "web",
            "Log in through the browser (authorization code flow with PKCE, as the Salesforce CLI does) and save the refresh token the refresh-token flow needs.")
        {
            scope,
            port,
            showToken,
            noBrowser,
        };
        foreach (var setting in new[] { SettingOption.LoginUrl, SettingOption.ClientId, SettingOption.ClientSecret, SaveTo, SettingOption.AllowInsecureLoopback })
        {
            web.Options.Add(setting.Create());
        }

        web.SetAction(host, (context, cancellationToken) =>
        {
            var clientId = context.Get(SettingOption.ClientId)
                ?? throw new UsageException($"login web needs {SettingOption.ClientId.Describe()}: the consumer key of an app whose callback URLs include http://localhost:PORT/callback.");
            var refreshTokenFile = context.Get(SaveTo);
            var show = context.GetValue(showToken);
            if (refreshTokenFile is null && !show)
            {
                throw new UsageException($"login web needs {SaveTo.Describe()} to save the refresh token (or --show-token to print it).");
            }

            var login = ClientOptionsFactory.ParseLoginUrl(context.Get(SettingOption.LoginUrl));
            if (login.Scheme != Uri.UriSchemeHttps && !(login.IsLoopback && context.IsSet(SettingOption.AllowInsecureLoopback)))
            {
                throw new UsageException($"{SettingOption.LoginUrl.Describe()} must be https (http only on loopback with --allow-insecure-loopback), not '{login}'.");
            }

            var request = new WebLogin.Request(
                login,
                clientId,
                context.Get(SettingOption.ClientSecret),
                context.GetValue(scope) ?? DefaultScope,
                context.GetValue(port),
                refreshTokenFile,
                show,
                OpenBrowser: !context.GetValue(noBrowser));
            return WebLogin.RunAsync(request, context.Console, context.Host.GetVariable, cancellationToken);
        });

        return new Command("login", "Log in interactively to obtain a refresh token.") { web };
    }
}
