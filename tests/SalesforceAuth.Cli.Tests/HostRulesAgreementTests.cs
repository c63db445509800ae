using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Xml;
using SalesforceAuth.Cli.Doctor;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Cli.Tests;

/// <summary>
/// Every login host shape through every consumer of the host rules: the JWT and SAML builders (the audience they
/// sign), the error mapper (the audience it expects and the username it suspects), the token client's trusted-host
/// check (an instance_url from the response) and <c>sfauth doctor</c>. They must agree.
/// </summary>
public sealed class HostRulesAgreementTests : IDisposable
{
    private const string SiteUrl = "https://acme.my.site.com/customers";

    private const string ConsumerKey = "3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz7xLX4tWDVgyzwTCA7i_yTfP.qYuNOsSoPNcdVH6DuE";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;

    public HostRulesAgreementTests()
    {
        var request = new CertificateRequest("CN=agreement", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Login URL, kind, the audience Salesforce documents for it, and whether a sandbox username is out of place there.</summary>
    public static TheoryData<string, SalesforceLoginHostKind, string, bool> Hosts => new()
    {
        { "https://login.salesforce.com", SalesforceLoginHostKind.Production, "https://login.salesforce.com", true },
        { "https://test.salesforce.com", SalesforceLoginHostKind.Sandbox, "https://test.salesforce.com", false },
        { "https://acme.my.salesforce.com", SalesforceLoginHostKind.MyDomain, "https://login.salesforce.com", true },
        { "https://acme-dev-ed.develop.my.salesforce.com", SalesforceLoginHostKind.MyDomain, "https://login.salesforce.com", true },
        { "https://acme--uat.sandbox.my.salesforce.com", SalesforceLoginHostKind.SandboxMyDomain, "https://test.salesforce.com", false },
        { "https://acme--uat.my.salesforce.com", SalesforceLoginHostKind.LegacySandboxMyDomain, "https://test.salesforce.com", false },
        { "https://acme.my.site.com/customers", SalesforceLoginHostKind.ExperienceCloudSite, "https://acme.my.site.com/customers", false },
        { "https://acme--uat.sandbox.my.site.com/partners", SalesforceLoginHostKind.ExperienceCloudSite, "https://acme--uat.sandbox.my.site.com/partners", false },
        { "https://acme.force.com/partners", SalesforceLoginHostKind.ExperienceCloudSite, "https://acme.force.com/partners", false },
        { "https://support.acme.com/help", SalesforceLoginHostKind.ExperienceCloudSite, "https://support.acme.com/help", false },
        { "https://support.acme.com", SalesforceLoginHostKind.Other, "https://login.salesforce.com", true },
    };

    [Theory]
    [InlineData("https://acme.lightning.force.com", "https://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/token", "https://acme.my.salesforce.com")]
    public void ObviouslyWrongLoginUrl_TokenClientRefusesWithTheRightUrl(string loginUrl, string rightUrl)
    {
        using var http = new HttpClient();

        var error = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(http, Options(loginUrl, "jane@acme.com", SalesforceFlow.JwtBearer)));

        Assert.Equal("LoginUrl", error.Setting);
        Assert.Contains($"LoginUrl = \"{rightUrl}\"", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _rsa.Dispose();
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Audience_BuildersMapperAndDoctor_Agree(string loginUrl, SalesforceLoginHostKind kind, string audience, bool sandboxUserMisplaced)
    {
        _ = sandboxUserMisplaced;
        var options = Options(loginUrl, "jane@acme.com", SalesforceFlow.JwtBearer);
        var host = SalesforceLoginHost.Parse(options.LoginUrl);
        Assert.Equal(kind, host.Kind);

        // The builders sign the documented audience.
        using var http = new HttpClient();
        var jwt = new SalesforceTokenClient(http, options).CreateAssertion();
        Assert.Equal(audience, JwtAudience(jwt.Value));
        var saml = new SalesforceTokenClient(http, Options(loginUrl, "jane@acme.com", SalesforceFlow.SamlBearer)).CreateAssertion();
        Assert.Equal(audience, SamlAudience(saml.Xml!));
        Assert.Equal(audience, SalesforceAudience.Resolve(options).Value);

        // The mapper, given that audience refused at this host's token endpoint, expects the same one and blames no mismatch.
        var rule = SalesforceAudience.Resolve(options).Rule;
        var refused = Assert.IsType<SalesforceAudienceException>(SalesforceErrorMapper.MapTokenError(Refusal(host, "audience is invalid", "jane@acme.com", audience, rule)));
        Assert.Equal(audience, refused.Diagnosis.Facts["expected audience for this host"]);
        Assert.DoesNotContain(refused.Diagnosis.Causes, c => c.Contains("differs from the usual value", StringComparison.Ordinal)
            || c.Contains("login URL but the request went to", StringComparison.Ordinal));

        // The doctor derives the same audience and accepts it when set explicitly.
        var derived = SetupChecks.CheckAudience(options);
        Assert.Equal(DoctorStatus.Pass, derived.Status);
        Assert.Contains(audience, derived.Detail, StringComparison.Ordinal);
        options.Audience = audience;
        Assert.Equal(DoctorStatus.Pass, SetupChecks.CheckAudience(options).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void SandboxUsername_MapperAndDoctor_Agree(string loginUrl, SalesforceLoginHostKind kind, string audience, bool sandboxUserMisplaced)
    {
        _ = kind;
        var host = SalesforceLoginHost.Parse(new Uri(loginUrl));
        foreach (var username in new[] { "jane@acme.com.uat", "jane@acme.de.uat", "jane@acme.com", "jane@acme.co.uk" })
        {
            var expected = sandboxUserMisplaced && SalesforceUsername.GetSandboxSuffix(username) is not null;
            var rule = SalesforceAudience.Resolve(Options(loginUrl, username, SalesforceFlow.JwtBearer)).Rule;

            var mapped = SalesforceErrorMapper.MapTokenError(Refusal(host, "invalid assertion", username, audience, rule));
            var doctor = SetupChecks.CheckUsername(Options(loginUrl, username, SalesforceFlow.JwtBearer));

            var mapperSuspects = mapped.Diagnosis.Causes.Any(c => c.Contains("sandbox suffix", StringComparison.Ordinal));
            Assert.True(expected == mapperSuspects, $"{username} at {loginUrl}: mapper {(mapperSuspects ? "suspects" : "does not suspect")} the sandbox suffix");
            Assert.True(expected == (doctor.Status == DoctorStatus.Warn), $"{username} at {loginUrl}: doctor says {doctor.Status}: {doctor.Detail}");
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task InstanceUrl_TokenClientAndDoctor_Agree(string loginUrl, SalesforceLoginHostKind kind, string audience, bool sandboxUserMisplaced)
    {
        _ = (audience, sandboxUserMisplaced);
        string[] instances = ["https://acme.my.salesforce.com", "https://na9.salesforce.com", "https://evil.my.site.com", "https://evil.force.com", "https://evil.example"];
        foreach (var instance in instances)
        {
            var options = Options(loginUrl, "jane@acme.com", SalesforceFlow.JwtBearer);
            var siteDomain = instance.EndsWith(".site.com", StringComparison.Ordinal) || instance.EndsWith(".force.com", StringComparison.Ordinal);
            var expected = instance != "https://evil.example" && (!siteDomain || kind == SalesforceLoginHostKind.ExperienceCloudSite);

            using var http = new HttpClient(new AnswerWith(instance));
            var client = new SalesforceTokenClient(http, options);
            SalesforceToken? token = null;
            try
            {
                token = await client.RequestTokenAsync(cancellationToken: TestContext.Current.CancellationToken);
            }
            catch (SalesforceUntrustedInstanceException)
            {
            }

            var doctor = SetupChecks.CheckInstanceUrl(options, new SalesforceToken("x", new Uri(instance)));
            Assert.True(expected == (token is not null), $"{instance} from {loginUrl}: token client {(token is null ? "refused" : "accepted")} it");
            Assert.True(expected == (doctor.Status == DoctorStatus.Pass), $"{instance} from {loginUrl}: doctor says {doctor.Status}: {doctor.Detail}");

            // The member's site URL is kept from any login: nothing is sent there, and the site-domain rule is for
            // hosts that receive the token.
            Assert.True(token is null || token.CommunityUrl == new Uri(SiteUrl), $"{loginUrl}: sfdc_community_url dropped");
        }
    }

    private SalesforceClientOptions Options(string loginUrl, string username, SalesforceFlow flow) => new()
    {
        LoginUrl = new Uri(loginUrl),
        Flow = flow,
        ClientId = ConsumerKey,
        Username = username,
        SigningKey = SalesforceSigningKey.FromCertificate(_certificate),
        UseIntrospection = false,
        MaxRetries = 0,
    };

    private static TokenErrorContext Refusal(SalesforceLoginHost host, string description, string username, string audience, string rule) => new()
    {
        Flow = SalesforceFlow.JwtBearer,
        Endpoint = host.TokenEndpoint,
        StatusCode = HttpStatusCode.BadRequest,
        MediaType = "application/json",
        Body = JsonSerializer.Serialize(new { error = "invalid_grant", error_description = description }),
        LocalTime = DateTimeOffset.UnixEpoch,
        Assertion = new AssertionFacts
        {
            Issuer = ConsumerKey,
            Subject = username,
            Audience = audience,
            AudienceRule = rule,
            IssuedAt = DateTimeOffset.UnixEpoch,
            ExpiresAt = DateTimeOffset.UnixEpoch.AddMinutes(3),
        },
    };

    private static string JwtAudience(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
        return claims.RootElement.GetProperty("aud").GetString()!;
    }

    private static string SamlAudience(string xml)
    {
        var document = new XmlDocument { XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        document.Load(reader);
        return document.GetElementsByTagName("Audience", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!.InnerText;
    }

    /// <summary>Answers every token request with a token whose instance_url is the given URL.</summary>
    private sealed class AnswerWith(string instanceUrl) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonSerializer.Serialize(new { access_token = "00Dx!token", instance_url = instanceUrl, sfdc_community_url = SiteUrl, id = "https://login.salesforce.com/id/00Dx/005x", token_type = "Bearer", issued_at = "1700000000000" });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
        }
    }
}
