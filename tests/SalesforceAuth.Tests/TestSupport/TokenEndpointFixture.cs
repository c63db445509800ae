using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>A loopback WireMock token endpoint, a throwaway key, a delay-advancing fake clock and a capturing logger.</summary>
internal sealed class TokenEndpointFixture : IDisposable
{
    public const string TokenPath = "/services/oauth2/token";
    public const string AccessToken = "00D5g00000XXXXX!AQ0SECRETACCESSTOKENVALUE";

    private readonly RSA _publicKey;

    /// <summary>Creates the fixture.</summary>
    /// <param name="localClockOffset">How far the fake local clock is from the real one (the server's <c>Date</c>, which Kestrel always sets).</param>
    public TokenEndpointFixture(TimeSpan localClockOffset = default)
    {
        Time = DelayAdvancingTimeProvider.StartingNow(localClockOffset);
        Server = WireMockServer.Start();
        Key = TestKeys.NewSigningKey(out _publicKey);
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
    }

    public WireMockServer Server { get; }

    public SalesforceSigningKey Key { get; }

    public RSA PublicKey => _publicKey;

    public HttpClient Http { get; }

    public DelayAdvancingTimeProvider Time { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public Uri BaseUrl => new(Server.Url!);

    public SalesforceClientOptions Options() => new()
    {
        LoginUrl = BaseUrl,
        AllowInsecureLoopback = true,
        ClientId = "3MVG9testConsumerKey",
        Username = "integration@acme.com",
        SigningKey = Key,
        AttemptTimeout = TimeSpan.FromMinutes(10),
        TotalTimeout = TimeSpan.FromMinutes(30),
        RetryBaseDelay = TimeSpan.FromMilliseconds(500),
        MaxRetries = 3,
    };

    public SalesforceTokenClient Client(SalesforceClientOptions? options = null) =>
        new(Http, options ?? Options(), Time, Logs);

    public static string SuccessBody(string instanceUrl = "https://acme.my.salesforce.com", string? extra = null) =>
        $$"""{"access_token":"{{AccessToken}}","instance_url":"{{instanceUrl}}","id":"https://login.salesforce.com/id/00D5g00000XXXXXEAA/0055g00000YYYYYAAA","token_type":"Bearer","scope":"api"{{extra}}}""";

    public static IResponseBuilder Json(int status, string body) => Response.Create()
        .WithStatusCode(status)
        .WithHeader("Content-Type", "application/json;charset=UTF-8")
        .WithBody(body);

    public static IResponseBuilder Html(int status) => Response.Create()
        .WithStatusCode(status)
        .WithHeader("Content-Type", "text/html")
        .WithBody("<html><body>Down for maintenance</body></html>");

    public IRequestBuilder TokenRequest(string path = TokenPath) => Request.Create().WithPath(path).UsingPost();

    public void Respond(IResponseBuilder response, string path = TokenPath) => Server.Given(TokenRequest(path)).RespondWith(response);

    /// <summary>Answers the given responses in order, then keeps answering the last one.</summary>
    public void RespondInSequence(params IResponseBuilder[] responses)
    {
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var mapping = Server.Given(TokenRequest()).InScenario(scenario);
            if (i > 0)
            {
                mapping = mapping.WhenStateIs(i.ToString(CultureInfo.InvariantCulture));
            }

            if (i < responses.Length - 1)
            {
                mapping = mapping.WillSetStateTo((i + 1).ToString(CultureInfo.InvariantCulture));
            }

            mapping.RespondWith(responses[i]);
        }
    }

    public IReadOnlyList<WireMock.Logging.ILogEntry> Requests => Server.LogEntries.ToList();

    public IReadOnlyList<string> Assertions => Requests
        .Where(e => e.RequestMessage.Path == TokenPath)
        .Select(e => Form(e.RequestMessage.Body!)["assertion"])
        .ToList();

    public static Dictionary<string, string> Form(string body) => body.Split('&')
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]), StringComparer.Ordinal);

    public static long Claim(string jwt, string name) => Jws.Claims(jwt).GetProperty(name).GetInt64();

    public static string ClaimString(string jwt, string name) => Jws.Claims(jwt).GetProperty(name).GetString()!;

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        Http.Dispose();
        Key.Dispose();
        _publicKey.Dispose();
    }
}
