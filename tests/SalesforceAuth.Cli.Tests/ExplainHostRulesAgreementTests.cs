using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SalesforceAuth.Cli.Explain;

namespace SalesforceAuth.Cli.Tests;

/// <summary>
/// <c>sfauth explain</c> as one more consumer of the host rules: for every host shape of
/// <see cref="HostRulesAgreementTests.Hosts"/>, what the library's builders sign is what explain expects, and explain
/// suspects a sandbox username exactly where the mapper and the doctor do.
/// </summary>
public sealed class ExplainHostRulesAgreementTests : IDisposable
{
    private const string ConsumerKey = "3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz7xLX4tWDVgyzwTCA7i_yTfP.qYuNOsSoPNcdVH6DuE";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;

    public ExplainHostRulesAgreementTests()
    {
        var request = new CertificateRequest("CN=explain-agreement", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public static TheoryData<string, SalesforceLoginHostKind, string, bool> Hosts => HostRulesAgreementTests.Hosts;

    public void Dispose()
    {
        _certificate.Dispose();
        _rsa.Dispose();
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Explain_AssertionsTheBuildersSign_HaveNoErrorAtTheirHost(string loginUrl, SalesforceLoginHostKind kind, string audience, bool sandboxUserMisplaced)
    {
        _ = (kind, audience, sandboxUserMisplaced);
        foreach (var flow in new[] { SalesforceFlow.JwtBearer, SalesforceFlow.SamlBearer })
        {
            var result = Explain(loginUrl, "jane@acme.com", flow);

            Assert.True(!result.HasError, $"{flow} at {loginUrl}: {string.Join("; ", result.Findings.Select(f => $"{f.Code}: {f.Detail}"))}");
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Explain_SandboxUsername_SuspectedWhereTheMapperAndDoctorSuspectIt(string loginUrl, SalesforceLoginHostKind kind, string audience, bool sandboxUserMisplaced)
    {
        _ = (kind, audience);
        foreach (var username in new[] { "jane@acme.com.uat", "jane@acme.de.uat", "jane@acme.com", "jane@acme.co.uk" })
        {
            var expected = sandboxUserMisplaced && SalesforceUsername.GetSandboxSuffix(username) is not null;

            var suspects = Explain(loginUrl, username, SalesforceFlow.JwtBearer).Findings.Any(f => f.Code == FindingCodes.SubSandboxSuffixOnProduction);

            Assert.True(expected == suspects, $"{username} at {loginUrl}: explain {(suspects ? "suspects" : "does not suspect")} the sandbox suffix");
        }
    }

    private ExplainResult Explain(string loginUrl, string username, SalesforceFlow flow)
    {
        var options = new SalesforceClientOptions
        {
            LoginUrl = new Uri(loginUrl),
            Flow = flow,
            ClientId = ConsumerKey,
            Username = username,
            SigningKey = SalesforceSigningKey.FromCertificate(_certificate),
        };
        using var http = new HttpClient();
        var assertion = new SalesforceTokenClient(http, options, TimeProvider.System).CreateAssertion();
        var context = new ExplainContext(TimeProvider.System.GetUtcNow())
        {
            LoginUrl = options.LoginUrl,
            ClientId = ConsumerKey,
            Username = username,
            Certificate = _certificate,
        };
        return Explainer.Explain(assertion.Value, null, context);
    }
}
