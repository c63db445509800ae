using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.TestSupport.TokenEndpointFixture;

namespace SalesforceAuth.Tests;

/// <summary>Runs the token flows, successes and failures, with a Trace-level capturing logger and checks no secret escapes.</summary>
public sealed class SecretLeakTests
{
    private const string ClientSecret = "CONSUMER-SECRET-5f2c9d";
    private const string RefreshToken = "5Aep861REFRESHSECRETVALUE";

    [Fact]
    public async Task TokenFlows_SuccessAndFailures_NoSecretInLogsOrExceptions()
    {
        using var f = new TokenEndpointFixture(TimeSpan.FromMinutes(-7));
        using var rsa = TestKeys.NewRsa();
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var texts = new List<string>();
        var wrongSignature = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        SalesforceClientOptions Options()
        {
            var options = f.Options();
            options.SigningKey = null;
            options.PrivateKeyPem = pem;
            options.ClientSecret = ClientSecret;
            options.MaxRetries = 1;
            return options;
        }

        async Task Run(Action<WireMock.Server.WireMockServer> arrange)
        {
            f.Server.Reset();
            arrange(f.Server);
            try
            {
                var token = await f.Client(Options()).RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken);
                texts.Add(token.ToString());
            }
            catch (Exception ex) when (ex is SalesforceAuthenticationException or SalesforceConfigurationException)
            {
                texts.Add(ex.ToString());
                if (ex is SalesforceAuthenticationException auth)
                {
                    texts.Add(auth.Diagnosis.ToString());
                }
            }
        }

        var assertions = new List<string>();
        void Collect() => assertions.AddRange(f.Assertions);

        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(200, SuccessBody(extra: $$""","refresh_token":"{{RefreshToken}}" """))));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(200, SuccessBody(extra: $$""","issued_at":"1772366400000","signature":"{{wrongSignature}}" """))));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(400, """{"error":"invalid_grant","error_description":"expired authorization code"}""")));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(400, """{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}""")));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(200, SuccessBody("https://evil.example"))));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Html(503)));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(302).WithHeader("Location", "https://evil.example/services/oauth2/token")));
        Collect();
        await Run(s => s.Given(f.TokenRequest()).RespondWith(Json(200, """{"access_token":"00D5g00000XXXXX!AQ0SECRETACCESSTOKENVALUE","instance_url":42}""")));
        Collect();

        texts.AddRange(f.Logs.AllText);
        Assert.True(assertions.Count >= 8);
        Assert.Contains(f.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Debug);

        var secrets = new List<string> { AccessToken, ClientSecret, RefreshToken, wrongSignature };
        secrets.AddRange(assertions);
        secrets.AddRange(assertions.Select(a => a.Split('.')[2]));
        secrets.AddRange(pem.Split('\n').Where(line => line.Length > 20 && !line.StartsWith("-----", StringComparison.Ordinal)));

        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret leaked into: {text[..Math.Min(200, text.Length)]}");
            }

            Assert.DoesNotContain("AQ0SECRET", text, StringComparison.Ordinal);
        }
    }
}
