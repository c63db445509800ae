using System.Net.Http.Headers;
using SalesforceAuth;
using SalesforceAuth.Samples;

namespace SamlBearerConsole;

/// <summary>
/// The SAML bearer flow with the core client only: sign a SAML 2.0 assertion (the certificate goes into its KeyInfo), get a token, call the REST API on the token's
/// <c>instance_url</c>. No dependency injection; see the WorkerService sample for the handler.
/// </summary>
public static class SamlBearerApp
{
    /// <summary>Gets a token and lists the org's REST resources.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="environment">The environment: <c>SF_*</c> variables select a real org.</param>
    /// <param name="cancellationToken">Stops the sample.</param>
    /// <returns>0 on success, 1 when Salesforce refused (the diagnosis is printed).</returns>
    public static async Task<int> RunAsync(TextWriter output, IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var org = await SampleOrg.StartAsync(environment, output, cancellationToken);
        if (!org.CanUseSaml)
        {
            output.WriteLine("Set SF_CERTIFICATE to the PEM certificate uploaded to the connected app: SAML assertions carry it in KeyInfo.");
            return 2;
        }

        var options = new SalesforceClientOptions();
        org.Configure(options, SalesforceFlow.SamlBearer);

        // Redirects off: a redirected POST would turn into a GET; the library follows redirects itself.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var client = new SalesforceTokenClient(http, options);
        SalesforceToken token;
        try
        {
            token = await client.RequestTokenAsync(cancellationToken: cancellationToken);
        }
        catch (SalesforceAuthenticationException ex)
        {
            // Every refusal comes typed and explained: what happened, why, and how to fix it.
            output.WriteLine($"Salesforce refused: {ex.Reason}");
            output.WriteLine(ex.Diagnosis.ToString());
            return 1;
        }

        output.WriteLine($"SAML bearer token {SampleOrg.Redact(token.AccessToken)} for {token.InstanceUrl}");

        // A Salesforce token is only valid on its own instance: always build API URLs from instance_url.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(token.InstanceUrl, "/services/data/v62.0/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        await response.EnsureSalesforceSuccessAsync(cancellationToken);
        output.WriteLine($"GET {request.RequestUri} -> {(int)response.StatusCode} {response.ReasonPhrase}");
        return 0;
    }
}
