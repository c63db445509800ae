// OURS: the cold-path cases that measure our assertion builders (JwtAssertionBuilder, SamlAssertionBuilder). The
// method names are what TargetsReporter looks for: keep them.
using BenchmarkDotNet.Attributes;
using SalesforceAuth.Assertions;

namespace SalesforceAuth.Benchmarks;

public partial class ColdPathBenchmarks
{
    private SalesforceSigningKey _key = null!;
    private AssertionParameters _parameters = null!;

    /// <summary>OURS: a complete compact RS256 JWT bearer assertion (claims, encoding, signature).</summary>
    [Benchmark]
    public string Ours_JwtAssertion() => JwtAssertionBuilder.Build(_key, _parameters);

    /// <summary>OURS: a complete signed SAML 2.0 bearer assertion, base64url-encoded.</summary>
    [Benchmark]
    public string Ours_SamlAssertion() => SamlAssertionBuilder.Build(_key, _parameters);

    partial void SetupOurs()
    {
        // The key wraps the same RSA instance as the floor, so both sign with identical key material.
        _key = SalesforceSigningKey.FromRsa(_rsa, _certificate);
        var issuedAt = DateTimeOffset.UtcNow;
        _parameters = new AssertionParameters(
            Issuer: "3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz.FAKE.CONSUMER.KEY.0123456789abcdefghijklmnop",
            Subject: "salesforce.integration.user@acme-corporation.example.com",
            Audience: "https://login.salesforce.com",
            TokenEndpoint: new Uri("https://login.salesforce.com/services/oauth2/token"),
            IssuedAt: issuedAt,
            ExpiresAt: issuedAt.AddMinutes(3));

        // Both must produce something usable before they are timed.
        if (Ours_JwtAssertion().Split('.').Length != 3)
        {
            throw new InvalidOperationException("JwtAssertionBuilder did not return a compact JWS.");
        }

        if (string.IsNullOrEmpty(Ours_SamlAssertion()))
        {
            throw new InvalidOperationException("SamlAssertionBuilder returned nothing.");
        }
    }

    partial void CleanupOurs() => _key.Dispose();
}
