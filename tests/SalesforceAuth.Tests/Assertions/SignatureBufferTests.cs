using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Assertions;

/// <summary>Keys larger than 2048 bits sign into buffers big enough, and no signed assertion is left in the shared pool.</summary>
public sealed class SignatureBufferTests
{
    private static readonly AssertionParameters Parameters = SamlTestSupport.Parameters(SamlTestSupport.Start, TimeSpan.FromMinutes(3));

    [Theory]
    [InlineData(3072)]
    [InlineData(4096)]
    public void JwtBuild_KeyOver2048Bits_SignsAndVerifies(int bits)
    {
        using var rsa = RSA.Create(bits);
        using var key = SalesforceSigningKey.FromRsa(rsa);

        var jwt = JwtAssertionBuilder.Build(key, Parameters);

        Assert.Equal(bits / 8, Jws.DecodeSegment(jwt.Split('.')[2]).Length);
        Assert.True(Jws.Verify(jwt, rsa));
    }

    [Theory]
    [InlineData(3072)]
    [InlineData(4096)]
    public void SamlBuild_KeyOver2048Bits_SignsAndVerifies(int bits)
    {
        using var rsa = RSA.Create(bits);
        using var certificate = SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);

        var xml = SamlAssertionBuilder.BuildXml(key, Parameters);

        Assert.True(SamlTestSupport.CheckWithSignedXml(xml, certificate));
    }

    [Fact]
    public void JwtBuild_PooledBuffers_DoNotKeepTheAssertion()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        publicKey.Dispose();

        var jwt = JwtAssertionBuilder.Build(key, Parameters);

        AssertNotPooled(Encoding.ASCII.GetBytes(jwt.Split('.')[2][..32]));
    }

    [Fact]
    public void SamlBuild_PooledBuffers_DoNotKeepTheAssertion()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);

        var assertion = SamlAssertionBuilder.Build(key, Parameters);

        // Only bytes unique to this assertion: its signature value, as XML text (the canonical writer's buffer) and as
        // base64url (the encoder's buffer). The XML's opening and element names are the same in every SAML assertion,
        // and another test sending one (a form body copied through a pooled stream buffer) may leave them in the pool.
        var xml = Jws.DecodeSegment(assertion);
        var valueStart = xml.AsSpan().IndexOf("<SignatureValue>"u8) + "<SignatureValue>".Length;
        AssertNotPooled(xml.AsSpan(valueStart, 32).ToArray());
        var alignedStart = (valueStart + 2) / 3;
        AssertNotPooled(Encoding.ASCII.GetBytes(assertion.Substring(alignedStart * 4, 32)));
    }

    [Fact]
    public void JwtBuild_2048BitKey_RentsOneSmallBufferAndReturnsItCleared()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        publicKey.Dispose();
        JwtAssertionBuilder.Build(key, Parameters); // first use: nothing lazily rented below is counted

        // One marked array in this thread's slot of every size bucket; the builder rents from the pool on this thread.
        var seeded = new List<byte[]>();
        for (var size = 16; size <= 1024 * 1024; size *= 2)
        {
            var array = ArrayPool<byte>.Shared.Rent(size);
            array.AsSpan().Fill(0xA5);
            seeded.Add(array);
        }

        seeded.ForEach(a => ArrayPool<byte>.Shared.Return(a));

        JwtAssertionBuilder.Build(key, Parameters);

        var used = new List<int>();
        var rented = new List<byte[]>();
        try
        {
            foreach (var expected in seeded)
            {
                var array = ArrayPool<byte>.Shared.Rent(expected.Length);
                rented.Add(array);
                // The same array back: the builder returned what it rented (a buffer kept out of the pool is a leak of
                // the assertion to whoever finds it on the heap, and defeats the pool).
                Assert.Same(expected, array);
                if (array.AsSpan().IndexOfAnyExcept((byte)0xA5) >= 0)
                {
                    Assert.True(array.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"The {array.Length}-byte buffer came back without being cleared.");
                    used.Add(array.Length);
                }
            }
        }
        finally
        {
            rented.ForEach(a => ArrayPool<byte>.Shared.Return(a, clearArray: true));
        }

        // One buffer for header, claims and a 256-byte signature: about a kilobyte, not sized for a larger key.
        Assert.Single(used);
        Assert.True(used[0] <= 2048, $"The builder rented {used[0]} bytes for a 2048-bit key.");
    }

    /// <summary>
    /// The shared pool hands the array returned last on this thread back first, per size bucket: renting one array of
    /// every bucket a builder could have used shows what it returned.
    /// </summary>
    private static void AssertNotPooled(byte[] secret)
    {
        var rented = new List<byte[]>();
        try
        {
            for (var size = 16; size <= 1024 * 1024; size *= 2)
            {
                var array = ArrayPool<byte>.Shared.Rent(size);
                rented.Add(array);
                Assert.True(array.AsSpan().IndexOf(secret) < 0, $"A pooled array of {array.Length} bytes still holds the assertion.");
            }
        }
        finally
        {
            rented.ForEach(a => ArrayPool<byte>.Shared.Return(a));
        }
    }

    private static X509Certificate2 SelfSigned(RSA rsa) => TestKeys.SelfSigned(rsa);
}
