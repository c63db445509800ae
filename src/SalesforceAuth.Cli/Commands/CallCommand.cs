using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth call [--method GET] PATH [--data JSON]</c>: one request through the library's caching handler
/// (<c>AddSalesforceClient(...).AddHttpClient()</c>), exactly as an application would send it.
/// </summary>
internal static class CallCommand
{
    private const string ClientName = "sfauth";

    public static Command Create(CliHost host)
    {
        var path = new Argument<string>("PATH") { Description = "the path relative to the instance, e.g. /services/data/v62.0/limits" };
        var method = SettingOption.RequireValue(new Option<string>("--method") { Description = "the HTTP method", HelpName = "method", DefaultValueFactory = _ => "GET" });
        method.CompletionSources.Add("GET", "POST", "PATCH", "PUT", "DELETE");
        var data = SettingOption.RequireValue(new Option<string>("--data") { Description = "a JSON request body", HelpName = "json" });
        var command = new Command("call", "Send a request through the caching handler, exactly as an application would.") { path, method, data };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(path)!, context.GetValue(method)!, context.GetValue(data), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string path, string methodName, string? data, CancellationToken cancellationToken)
    {
        var console = context.Console;
        if (!path.StartsWith('/') || Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme != Uri.UriSchemeFile)
        {
            throw new UsageException($"PATH must be relative to the instance, such as /services/data/v62.0/, not '{path}': the token decides which host the call goes to.");
        }

        var method = new HttpMethod(methodName.ToUpperInvariant());
        if (data is not null)
        {
            try
            {
                using var parsed = JsonDocument.Parse(data);
            }
            catch (JsonException ex)
            {
                throw new UsageException($"--data must be JSON: {ex.Message}", ex);
            }
        }

        // Validate the settings before building the container so a bad value is a usage error, not a DI failure.
        var refreshTokenFile = ClientOptionsFactory.CreateRefreshTokenStore(context, ClientOptionsFactory.Create(context));
        var services = new ServiceCollection();
        services.AddSingleton(console.TimeProvider);
        var client = services.AddSalesforceClient(ClientName, options => ClientOptionsFactory.Apply(context, options));
        if (refreshTokenFile is not null)
        {
            client.AddRefreshTokenStore(_ => refreshTokenFile);
        }

        client.AddHttpClient();
        var provider = services.BuildServiceProvider();
        await using var disposeProvider = provider.ConfigureAwait(false);
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (data is not null)
        {
            request.Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        HttpResponseMessage response;
        await using (console.StartSpinner($"{method} {path}"))
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            // The handler rewrites the placeholder host to the token's instance_url; this is where it really went.
            var url = response.RequestMessage?.RequestUri?.ToString();
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var body = ParseBody(text);
            var status = (int)response.StatusCode;
            if (console.Json)
            {
                console.WriteJson(new JsonObject
                {
                    ["status"] = status,
                    ["url"] = url,
                    ["body"] = body,
                });
            }
            else
            {
                var statusText = $"{status} {TerminalText.Clean(response.ReasonPhrase)}";
                console.Out.WriteLine($"{console.Bold(method.Method)} {url} {(response.IsSuccessStatusCode ? console.Green(statusText) : console.Red(statusText))}");
                if (body is not null)
                {
                    // A plain-text body is printed as is, so it is cleaned; JSON escapes control characters itself.
                    console.Out.WriteLine(body is JsonValue value && value.TryGetValue<string>(out var plain)
                        ? TerminalText.Clean(plain)
                        : body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                }
            }

            return response.IsSuccessStatusCode ? ExitCodes.Success : ExitCodes.ApiError;
        }
    }

    /// <summary>The body as JSON when it is JSON, else as a string; <see langword="null"/> when empty.</summary>
    private static JsonNode? ParseBody(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
