using System.Net.Http.Headers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;
using Microsoft.Identity.Client;
using SalesforceAuth.Benchmarks.Infrastructure;

namespace SalesforceAuth.Benchmarks;

/// <summary>
/// The hot path: one GET through <see cref="HttpClient"/> with a token already cached, ending in an in-memory handler
/// that returns the same cached <c>200</c> for every case. Targets are ratios to floor 2 (the baseline).
/// The OURS cases live in HotPathBenchmarks.Ours.cs (see README.md).
/// </summary>
[MemoryDiagnoser]
public partial class HotPathBenchmarks
{
    /// <summary>The host every authorised request must reach: the org's <c>instance_url</c>.</summary>
    public const string InstanceHost = "acme.my.salesforce.com";

    private static readonly Uri s_instanceUri = new($"https://{InstanceHost}/services/data/v62.0/limits");
    private static readonly Uri s_instanceBase = new($"https://{InstanceHost}/");
    private static readonly Uri s_relativeUri = new("services/data/v62.0/limits", UriKind.Relative);
    private static readonly string[] s_msalScopes = ["api://salesforce-benchmark/.default"];

    private readonly TerminalHandler _terminal = new();
    private readonly InMemoryTokenEndpoint _googleEndpoint = new();
    private readonly InMemoryTokenEndpoint _msalEndpoint = new();
    private readonly RSA _googleKey = RSA.Create(2048);
    private HttpClient _floor1 = null!;
    private HttpClient _floor2 = null!;
    private HttpClient _floor2Relative = null!;
    private HttpClient _googleHandler = null!;
    private HttpClient _googleConfigurable = null!;
    private HttpClient _msal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _floor1 = new HttpClient(_terminal, disposeHandler: false);
        var floor2Handler = new ConstantHeaderHandler(new AuthenticationHeaderValue("Bearer", "00Dxx0000000001!AQ4AQFakeAccessTokenForBenchmarks")) { InnerHandler = _terminal };
        _floor2 = new HttpClient(floor2Handler, disposeHandler: false);

        // Floor 2 sending the rewrite case's relative URI: HttpClient combines it with its BaseAddress (a new Uri per
        // request, before any handler runs), so this is what a relative request costs without our rewrite.
        _floor2Relative = new HttpClient(floor2Handler, disposeHandler: false) { BaseAddress = s_instanceBase };

        // Google: the credential's own attach points, a DelegatingHandler from its interceptor
        // (HttpExtenstions.ToDelegatingHandler) and the library's ConfigurableHttpClient with the credential as an
        // initializer. Explicit scopes keep it on the OAuth token path (TokenRefreshManager cache), not self-signed JWTs.
        var credential = new ServiceAccountCredential(
            new ServiceAccountCredential.Initializer("benchmark@salesforce-auth.iam.gserviceaccount.com", "https://oauth2.googleapis.com/token")
            {
                Key = _googleKey,
                Scopes = ["https://www.googleapis.com/auth/cloud-platform"],
                HttpClientFactory = new GoogleInMemoryHttpClientFactory(_googleEndpoint),
            });
        _googleHandler = new HttpClient(credential.ToDelegatingHandler(_terminal), disposeHandler: false);
        _googleConfigurable = new GoogleInMemoryHttpClientFactory(_terminal).CreateHttpClient(new CreateHttpClientArgs { Initializers = { credential } });

        // MSAL: client credentials against an in-memory AAD; instance discovery off so nothing leaves the process.
        var msal = ConfidentialClientApplicationBuilder.Create("00000000-0000-0000-0000-0000000000b1")
            .WithClientSecret("benchmark-client-secret-not-a-secret")
            .WithAuthority("https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000a1/")
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalInMemoryHttpClientFactory(_msalEndpoint))
            .Build();
        _msal = new HttpClient(new MsalClientCredentialsHandler(msal, s_msalScopes) { InnerHandler = _terminal }, disposeHandler: false);

        Verify(_floor1, expectAuthorization: false);
        Verify(_floor2);
        Verify(_floor2Relative, requestUri: s_relativeUri);
        Verify(_googleHandler);
        Verify(_googleConfigurable);
        Verify(_msal);
        SetupOurs();

        // Exactly one token request each: every measured call below is a cache hit.
        Check(_googleEndpoint.TokenRequests == 1, $"Google made {_googleEndpoint.TokenRequests} token requests during setup, expected 1.");
        Check(_msalEndpoint.TokenRequests == 1, $"MSAL made {_msalEndpoint.TokenRequests} token requests during setup, expected 1.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupOurs();
        Check(_googleEndpoint.TokenRequests == 1, $"Google made {_googleEndpoint.TokenRequests} token requests, expected 1: the run measured refreshes, not cache hits.");
        Check(_msalEndpoint.TokenRequests == 1, $"MSAL made {_msalEndpoint.TokenRequests} token requests, expected 1: the run measured refreshes, not cache hits.");
        _floor1.Dispose();
        _floor2.Dispose();
        _floor2Relative.Dispose();
        _googleHandler.Dispose();
        _googleConfigurable.Dispose();
        _msal.Dispose();
        _googleKey.Dispose();
    }

    /// <summary>Floor 1: a bare HttpClient, no authorisation at all.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Floor1_BareHttpClient() => _floor1.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Floor 2: a DelegatingHandler that sets a constant Authorization header.</summary>
    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Floor2_ConstantHeader() => _floor2.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Floor 2 with the relative URI of <c>Ours_Rewrite</c> on a client whose BaseAddress is the instance: the rewrite's floor.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Floor2_RelativeUri() => _floor2Relative.GetAsync(s_relativeUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Google.Apis.Auth ServiceAccountCredential (cached token) attached as a DelegatingHandler.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Google_DelegatingHandler() => _googleHandler.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Google.Apis.Auth ServiceAccountCredential (cached token) in Google's own ConfigurableHttpClient.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Google_ConfigurableHttpClient() => _googleConfigurable.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>MSAL.NET AcquireTokenForClient (cache hit) + header in a DelegatingHandler.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> Msal_AcquireTokenForClient() => _msal.GetAsync(s_instanceUri, HttpCompletionOption.ResponseHeadersRead);

    partial void SetupOurs();

    partial void CleanupOurs();

    private void Verify(HttpClient client, bool expectAuthorization = true, Uri? requestUri = null)
    {
        if (expectAuthorization)
        {
            _terminal.VerifyAsync(client, requestUri ?? s_instanceUri, InstanceHost).GetAwaiter().GetResult();
        }
        else
        {
            _ = client.GetAsync(requestUri ?? s_instanceUri, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>How MSAL users attach a client-credentials token to an HttpClient: acquire (cache hit), set the header.</summary>
    private sealed class MsalClientCredentialsHandler(IConfidentialClientApplication app, string[] scopes) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var result = await app.AcquireTokenForClient(scopes).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", result.AccessToken);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
