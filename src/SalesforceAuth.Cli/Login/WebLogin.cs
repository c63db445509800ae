using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.Credentials;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Login;

/// <summary>
/// <c>sfauth login web</c>: the authorization code flow with PKCE through a loopback redirect, as the Salesforce CLI
/// logs in ("OAuth 2.0 Web Server Flow for Web App Integration",
/// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm&amp;type=5). The refresh
/// token goes to a file only the user can read; it is printed only with <c>--show-token</c>.
/// </summary>
internal static class WebLogin
{
    /// <summary>How long the tool waits for the user to log in and approve.</summary>
    public static readonly TimeSpan LoginTimeout = TimeSpan.FromMinutes(10);

    internal sealed record Request(Uri LoginUrl, string ClientId, string? ClientSecret, string Scope, int Port, string? RefreshTokenFile, bool ShowToken, bool OpenBrowser);

    public static async Task<int> RunAsync(Request request, CliConsole console, Func<string, string?> variable, CancellationToken cancellationToken)
    {
        var pkce = Pkce.Create();
        using var callback = LoopbackCallback.Start(request.Port);
        var baseUrl = request.LoginUrl.GetLeftPart(UriPartial.Authority) + request.LoginUrl.AbsolutePath.TrimEnd('/');
        var authorizeUrl = $"{baseUrl}/services/oauth2/authorize?response_type=code"
            + $"&client_id={Uri.EscapeDataString(request.ClientId)}"
            + $"&redirect_uri={Uri.EscapeDataString(callback.RedirectUri)}"
            + $"&scope={Uri.EscapeDataString(request.Scope)}"
            + $"&state={pkce.State}&code_challenge={pkce.Challenge}&code_challenge_method=S256";

        // The URL goes to stderr: stdout carries only the result (JSON with --json).
        var opened = request.OpenBrowser && Browser.TryOpen(authorizeUrl, variable);
        console.Error.WriteLine(opened
            ? "Opened the browser to log in. If it did not open, visit:"
            : "Open this URL in a browser to log in:");
        console.Error.WriteLine(authorizeUrl);
        console.Error.WriteLine($"Waiting for the callback on {callback.RedirectUri} (the app's callback URLs must include it; Ctrl+C cancels).");

        Dictionary<string, string> answer;
        using (var timeout = new CancellationTokenSource(LoginTimeout, console.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                answer = await callback.WaitAsync(pkce.State, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return Fail(console, ExitCodes.Unavailable, null, null, $"No login arrived within {LoginTimeout.TotalMinutes:0} minutes.", ["Run the command again and finish the login in the browser."]);
            }
        }

        if (answer.TryGetValue("error", out var error))
        {
            var description = answer.GetValueOrDefault("error_description");
            return Fail(console, ExitCodes.Refused, error, description, "Salesforce did not authorize sfauth.", error switch
            {
                "access_denied" => ["Log in again and click Allow on the approval page; if there is none, ask an administrator whether the app's policies admit your profile."],
                "invalid_request" => ["The app requires PKCE or rejected the request's parameters; check the app's OAuth settings (Require PKCE, callback URL)."],
                _ => ["Check the app's OAuth settings: enabled for the web server flow (authorization code), the scopes, and the callback URL " + callback.RedirectUri + "."],
            });
        }

        if (!answer.TryGetValue("code", out var code) || code.Length == 0)
        {
            return Fail(console, ExitCodes.Refused, null, null, "The callback carried neither a code nor an error.", ["Run the command again."]);
        }

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = callback.RedirectUri,
            ["client_id"] = request.ClientId,
            ["code_verifier"] = pkce.Verifier,
        };
        if (request.ClientSecret is { Length: > 0 } secret)
        {
            form["client_secret"] = secret;
        }

        JsonObject token;
        using (var content = new FormUrlEncodedContent(form))
        using (var tokenRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl + "/services/oauth2/token")) { Content = content })
        {
            tokenRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var parsed = TryParse(body);
            if (!response.IsSuccessStatusCode || parsed?["access_token"] is null)
            {
                var wireError = Text(parsed, "error");
                return Fail(console, (int)response.StatusCode >= 500 ? ExitCodes.Unavailable : ExitCodes.Refused, wireError, Text(parsed, "error_description"), $"The token endpoint refused the authorization code (HTTP {(int)response.StatusCode}).", wireError switch
                {
                    "invalid_client" => ["The app requires the consumer secret for the web server flow: pass --client-secret (or SF_CLIENT_SECRET), or turn off \"Require Secret for Web Server Flow\" in the app's OAuth settings."],
                    "invalid_grant" => ["The code was already used or expired (15 minutes); run the command again."],
                    _ => ["Check the app's OAuth settings (web server flow enabled, callback URL, PKCE) and run the command again."],
                });
            }

            token = (JsonObject)parsed;
        }

        var refreshToken = Text(token, "refresh_token");
        if (refreshToken is not null && request.RefreshTokenFile is { } path)
        {
            try
            {
                RefreshTokenFile.Write(path, refreshToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--refresh-token-file '{path}' cannot be written: {ex.Message}", ex);
            }
        }

        var user = await GetUserInfoAsync(http, baseUrl, Text(token, "access_token")!, cancellationToken).ConfigureAwait(false);
        var result = new JsonObject
        {
            ["instance_url"] = Text(token, "instance_url"),
            ["username"] = Text(user, "preferred_username"),
            ["user_id"] = Text(user, "user_id"),
            ["organization_id"] = Text(user, "organization_id"),
            ["scope"] = Text(token, "scope"),
            ["refresh_token_file"] = refreshToken is null ? null : request.RefreshTokenFile,
        };
        if (request.ShowToken)
        {
            result["access_token"] = Text(token, "access_token");
            result["refresh_token"] = refreshToken;
        }

        if (console.Json)
        {
            console.WriteJson(result);
        }
        else
        {
            console.Out.WriteLine($"{console.Green("✓")} Logged in as {TerminalText.Clean(Text(user, "preferred_username") ?? "(unknown user)")}");
            console.WriteFields(result.Where(p => p.Key != "username").Select(p => (p.Key, p.Value is null ? null : TerminalText.Clean(p.Value.ToString()))));
            if (refreshToken is null)
            {
                console.Out.WriteLine(console.Yellow("No refresh token was issued: request the refresh_token scope (--scope \"api refresh_token\") and select it in the app's OAuth scopes."));
            }
            else if (request.RefreshTokenFile is not null)
            {
                console.Out.WriteLine($"The refresh token is in {request.RefreshTokenFile} (readable only by you). Use it with: sfauth token --flow refresh-token --refresh-token-file {request.RefreshTokenFile}");
            }
        }

        return refreshToken is null && !request.ShowToken ? ExitCodes.Refused : ExitCodes.Success;
    }

    private static async Task<JsonObject?> GetUserInfoAsync(HttpClient http, string baseUrl, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl + "/services/oauth2/userinfo"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? TryParse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject : null;
        }
        catch (HttpRequestException)
        {
            // The login itself succeeded; the user's name is a nicety.
            return null;
        }
    }

    private static int Fail(CliConsole console, int exitCode, string? error, string? description, string summary, IReadOnlyList<string> remedies)
    {
        if (console.Json)
        {
            console.WriteJson(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["type"] = "LoginFailed",
                    ["error"] = error,
                    ["error_description"] = description,
                    ["summary"] = summary,
                    ["remedies"] = new JsonArray([.. remedies.Select(r => (JsonNode?)JsonValue.Create(r))]),
                },
            });
            return exitCode;
        }

        console.Error.WriteLine($"{console.Red("error")}: {summary}");
        if (error is not null)
        {
            console.Error.WriteLine($"  error        {TerminalText.Clean(error)}");
        }

        if (description is not null)
        {
            console.Error.WriteLine($"  description  {TerminalText.Clean(description)}");
        }

        console.Error.WriteLine(console.Bold("How to fix:"));
        for (var i = 0; i < remedies.Count; i++)
        {
            console.Error.WriteLine($"  {i + 1}. {remedies[i]}");
        }

        return exitCode;
    }

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
