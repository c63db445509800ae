using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace SalesforceAuth.Benchmarks;

/// <summary>
/// The cold path: what it costs to produce a signed bearer assertion. The floor is the RSA-2048 signature alone
/// (SHA-256, PKCS#1 v1.5) over a JWT-sized signing input; an assertion cannot be cheaper than its signature.
/// The OURS cases (JWT, SAML) live in ColdPathBenchmarks.Ours.cs.
/// </summary>
[MemoryDiagnoser]
public partial class ColdPathBenchmarks
{
    private RSA _rsa = null!;
    private X509Certificate2 _certificate = null!;
    private byte[] _signingInput = null!;

    /// <summary>The JWT signing input (<c>base64url(header).base64url(claims)</c>) the floor signs: ~350 bytes.</summary>
    public static byte[] JwtSizedSigningInput()
    {
        const string Header = """{"alg":"RS256","typ":"JWT"}""";
        const string Claims = """{"iss":"3MVG9A2kN3Bn17hsWsLDatw._IVMEUBoPKv.7ksp0tz.FAKE.CONSUMER.KEY.0123456789abcdefghijklmnop","sub":"salesforce.integration.user@acme-corporation.example.com","aud":"https://login.salesforce.com","exp":1763942400,"iat":1763942220}""";
        var input = Base64Url(Header) + "." + Base64Url(Claims);
        return Encoding.ASCII.GetBytes(input);

        static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [GlobalSetup]
    public void Setup()
    {
        // A throwaway key and certificate, made at run time: no key is ever committed.
        _rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=SalesforceAuth Benchmarks", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _signingInput = JwtSizedSigningInput();
        if (_signingInput.Length is < 300 or > 400)
        {
            throw new InvalidOperationException($"The floor's signing input is {_signingInput.Length} bytes; it should be JWT-sized (~350).");
        }

        SetupOurs();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupOurs();
        _certificate.Dispose();
        _rsa.Dispose();
    }

    /// <summary>Floor: RSA-2048 SignData(SHA-256, PKCS#1) over a JWT-sized payload.</summary>
    [Benchmark(Baseline = true)]
    public byte[] Floor_RsaSignData() => _rsa.SignData(_signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    partial void SetupOurs();

    partial void CleanupOurs();
}
