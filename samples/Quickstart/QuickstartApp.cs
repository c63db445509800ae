using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth;
using SalesforceAuth.Samples;

namespace Quickstart;

/// <summary>
/// The quickstart: a JWT bearer token, an API call that lands on the org's own host through IHttpClientFactory and the
/// caching handler, a SAML bearer token, and a failure explained by the library (a skewed clock).
/// </summary>
public static class QuickstartApp
{
    /// <summary>Runs the walkthrough, writing a transcript to <paramref name="output"/>.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="environment">The environment: <c>SF_*</c> variables select a real org.</param>
    /// <param name="cancellationToken">Stops the walkthrough.</param>
    /// <returns>0 when every step behaved as expected, 1 otherwise.</returns>
    public static async Task<int> RunAsync(TextWriter output, IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        output.WriteLine("SalesforceAuth quickstart");
        output.WriteLine();
        await using var org = await SampleOrg.StartAsync(environment, output, cancellationToken);
        var ok = true;

        // 1. The core: SalesforceTokenClient signs a JWT, posts it to /services/oauth2/token and returns the token
        //    with its instance_url. Give it an HttpClient with redirects off (the library follows them itself).
        output.WriteLine();
        output.WriteLine("1. JWT bearer token (SalesforceTokenClient)");
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var jwtOptions = new SalesforceClientOptions();
        org.Configure(jwtOptions);
        var token = await new SalesforceTokenClient(http, jwtOptions).RequestTokenAsync(cancellationToken: cancellationToken);
        output.WriteLine($"   access_token  {SampleOrg.Redact(token.AccessToken)}");
        output.WriteLine($"   instance_url  {token.InstanceUrl}");
        output.WriteLine($"   issued_at     {token.IssuedAt?.ToString("u", CultureInfo.InvariantCulture)}");

        // 2. How applications use it: a named HttpClient from IHttpClientFactory with the caching handler. The code asks
        //    for a relative path; the handler adds the token and sends the request to the org's instance_url.
        output.WriteLine();
        output.WriteLine("2. API call through IHttpClientFactory and the caching handler");
        var services = new ServiceCollection();
        services.AddSalesforceClient("quickstart", o => org.Configure(o)).AddHttpClient();
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("quickstart");
            using var response = await client.GetAsync(new Uri("/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+LIMIT+5", UriKind.Relative), cancellationToken);
            var sentTo = response.RequestMessage?.RequestUri;
            output.WriteLine($"   GET /services/data/v62.0/query?q=SELECT Id,Name FROM Account LIMIT 5 -> {(int)response.StatusCode} {response.ReasonPhrase}");
            output.WriteLine($"   sent to       {sentTo}");
            var onPod = sentTo is not null && sentTo.Authority == token.InstanceUrl.Authority;
            output.WriteLine(onPod
                ? "   The request landed on the org's own host (instance_url), not on the login host."
                : "   Unexpected: the request did not go to the token's instance_url.");
            ok &= response.IsSuccessStatusCode && onPod;
        }

        // 3. The SAML bearer flow: the same client, a signed SAML 2.0 assertion instead of a JWT.
        output.WriteLine();
        output.WriteLine("3. SAML bearer token");
        if (org.CanUseSaml)
        {
            var samlOptions = new SalesforceClientOptions();
            org.Configure(samlOptions, SalesforceFlow.SamlBearer);
            try
            {
                var samlToken = await new SalesforceTokenClient(http, samlOptions).RequestTokenAsync(cancellationToken: cancellationToken);
                output.WriteLine($"   access_token  {SampleOrg.Redact(samlToken.AccessToken)}");
                output.WriteLine($"   instance_url  {samlToken.InstanceUrl}");
            }
            catch (SalesforceAuthenticationException ex)
            {
                output.WriteLine($"   Salesforce refused ({ex.Reason}): {ex.Diagnosis.Summary}");
                ok = false;
            }
        }
        else
        {
            output.WriteLine("   skipped: set SF_CERTIFICATE to the certificate uploaded to the app to try SAML against your org.");
        }

        // 4. A failure, diagnosed: Salesforce's clock runs 10 minutes ahead of ours, so every assertion we sign has
        //    already expired when it arrives. With skew compensation off the library reports the measured skew and
        //    the fix; with it on (the default) it corrects the assertion times and the request succeeds.
        output.WriteLine();
        output.WriteLine("4. A diagnosed failure: a skewed clock");
        if (org.Emulator is { } emulator)
        {
            emulator.ClockOffset = TimeSpan.FromMinutes(10);
            output.WriteLine("   The emulator's clock now runs 10 minutes ahead; skew compensation is off.");
            var skewed = new SalesforceClientOptions { ClockSkewCompensation = false, MaxRetries = 0 };
            org.Configure(skewed);
            try
            {
                await new SalesforceTokenClient(http, skewed).RequestTokenAsync(cancellationToken: cancellationToken);
                output.WriteLine("   Unexpected: the token was issued.");
                ok = false;
            }
            catch (SalesforceAuthenticationException ex)
            {
                output.WriteLine($"   {ex.GetType().Name}: {ex.Reason}");
                output.WriteLine($"   Salesforce said  {ex.Error}: {ex.ErrorDescription}");
                output.WriteLine($"   Diagnosis        {ex.Diagnosis.Summary}");
                if (ex.Diagnosis.ClockSkew is { } skew)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   Measured skew    {skew.TotalSeconds:+0;-0} s (Salesforce ahead of this machine)"));
                }

                foreach (var remedy in ex.Diagnosis.Remedies)
                {
                    output.WriteLine($"   Fix              {remedy}");
                }

                ok &= ex.Reason == SalesforceReason.AssertionExpired;
            }

            var compensated = new SalesforceClientOptions();
            org.Configure(compensated);
            try
            {
                var fixedToken = await new SalesforceTokenClient(http, compensated).RequestTokenAsync(cancellationToken: cancellationToken);
                output.WriteLine($"   With skew compensation on (the default) the same request succeeds: {SampleOrg.Redact(fixedToken.AccessToken)}");
            }
            catch (SalesforceAuthenticationException ex)
            {
                output.WriteLine($"   With skew compensation on the request still failed: {ex.Diagnosis.Summary}");
                ok = false;
            }

            emulator.ClockOffset = TimeSpan.Zero;
        }
        else
        {
            output.WriteLine("   skipped against a real org (its clock cannot be skewed): run 'sfauth doctor' to compare clocks.");
        }

        output.WriteLine();
        output.WriteLine(ok ? "Done: every step behaved as expected." : "Done, with unexpected results (see above).");
        return ok ? 0 : 1;
    }
}
