using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth call [--method GET] PATH [--data JSON]</c>: one request through the library's caching handler
/// (<c>AddSalesforceClient(...).AddHttpClient()</c>), exactly as an application would send it.
/// </summary>
internal static class CallCommand
{
    private const string ClientName = "sfauth";

    public static async Task<int> RunAsync(CliInvocation invocation, CliConsole console, CancellationToken cancellationToken)
    {
        if (invocation.Arguments.Count == 0)
        {
            throw new UsageException("call needs a PATH, for example: sfauth call /services/data/v62.0/limits");
        }

        TokenCommand.ExpectArguments(invocation, 1);
        var path = invocation.Arguments[0];
        if (!path.StartsWith('/') || Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme != Uri.UriSchemeFile)
        {
            throw new UsageException($"PATH must be relative to the instance, such as /services/data/v62.0/, not '{path}': the token decides which host the call goes to.");
        }

        var method = new HttpMethod((invocation.Get(CliOption.Method) ?? "GET").ToUpperInvariant());
        var data = invocation.Get(CliOption.Data);
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
        _ = ClientOptionsFactory.Create(invocation);
        var services = new ServiceCollection();
        services.AddSingleton(console.TimeProvider);
        services.AddSalesforceClient(ClientName, options => ClientOptionsFactory.Apply(invocation, options)).AddHttpClient();
        var provider = services.BuildServiceProvider();
        await using var disposeProvider = provider.ConfigureAwait(false);
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (data is not null)
        {
            request.Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        HttpResponseMessage response;
        await using (console.StartSpinner($"{method} {path}"))
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
                var statusText = $"{status} {response.ReasonPhrase}";
                console.Out.WriteLine($"{console.Bold(method.Method)} {url} {(response.IsSuccessStatusCode ? console.Green(statusText) : console.Red(statusText))}");
                if (body is not null)
                {
                    console.Out.WriteLine(body is JsonValue value && value.TryGetValue<string>(out var plain)
                        ? plain
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
