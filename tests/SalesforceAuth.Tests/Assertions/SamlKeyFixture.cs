using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Tests.Assertions;

/// <summary>One throwaway RSA-2048 key and self-signed certificate per test class (tests in a class run one at a time).</summary>
public sealed class SamlKeyFixture : IDisposable
{
    public SamlKeyFixture()
    {
        (Rsa, Certificate) = SamlTestSupport.CreateKeyPair();
    }

    public RSA Rsa { get; }

    public X509Certificate2 Certificate { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        Rsa.Dispose();
    }
}
