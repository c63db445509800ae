using System.Net.Http.Json;
using System.Text.Json;
using SalesforceAuth;

namespace WorkerService;

/// <summary>
/// A typed client: its <see cref="HttpClient"/> comes from IHttpClientFactory with the SalesforceAuth handler, which
/// adds the cached token and sends each relative request to the token's <c>instance_url</c>.
/// </summary>
public sealed class SalesforceApiClient(HttpClient http)
{
    /// <summary>Runs a SOQL query and returns the number of records and the URL the request went to.</summary>
    public async Task<(int TotalSize, Uri? SentTo)> QueryAsync(string soql, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/services/data/v62.0/query?q={Uri.EscapeDataString(soql)}", UriKind.Relative), cancellationToken);

        // Turns Salesforce's error body into a typed SalesforceApiException (or a session error) instead of a bare status.
        await response.EnsureSalesforceSuccessAsync(cancellationToken);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (result.GetProperty("totalSize").GetInt32(), response.RequestMessage?.RequestUri);
    }
}
