using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Assertions;

public sealed class JwtAssertionBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero);

    private static AssertionParameters Parameters(string subject = "integration@acme.com", string audience = "https://login.salesforce.com") =>
        new("3MVG9consumerKey", subject, audience, new Uri("https://login.salesforce.com/services/oauth2/token"), Now, Now.AddMinutes(3));

    [Fact]
    public void Build_Header_IsExactlyRs256()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var jwt = JwtAssertionBuilder.Build(key, Parameters());

        Assert.Equal("{\"alg\":\"RS256\"}", System.Text.Encoding.UTF8.GetString(Jws.DecodeSegment(jwt.Split('.')[0])));
        publicKey.Dispose();
    }

    [Fact]
    public void Build_Claims_CarryIssuerSubjectAudienceAndEpochSeconds()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var claims = Jws.Claims(JwtAssertionBuilder.Build(key, Parameters()));

        Assert.Equal("3MVG9consumerKey", claims.GetProperty("iss").GetString());
        Assert.Equal("integration@acme.com", claims.GetProperty("sub").GetString());
        Assert.Equal(JsonValueKind.String, claims.GetProperty("aud").ValueKind);
        Assert.Equal("https://login.salesforce.com", claims.GetProperty("aud").GetString());
        Assert.Equal(JsonValueKind.Number, claims.GetProperty("exp").ValueKind);
        Assert.Equal(Now.AddMinutes(3).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(1772366580, claims.GetProperty("exp").GetInt64());
        publicKey.Dispose();
    }

    [Fact]
    public void Build_JwtId_IsRandomPerAssertionAndOptional()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var first = Jws.Claims(JwtAssertionBuilder.Build(key, Parameters())).GetProperty("jti").GetString();
        var second = Jws.Claims(JwtAssertionBuilder.Build(key, Parameters())).GetProperty("jti").GetString();
        var none = Jws.Claims(JwtAssertionBuilder.Build(key, Parameters(), includeJwtId: false));

        Assert.NotEqual(first, second);
        Assert.Equal(22, first!.Length);
        Assert.False(none.TryGetProperty("jti", out _));
        publicKey.Dispose();
    }

    [Fact]
    public void Build_Signature_VerifiesWithThePublicKeyIndependently()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var jwt = JwtAssertionBuilder.Build(key, Parameters());

        Assert.True(Jws.Verify(jwt, publicKey));
        var tampered = jwt.Split('.');
        var otherClaims = JwtAssertionBuilder.Build(key, Parameters(subject: "someone@else.com")).Split('.')[1];
        Assert.False(Jws.Verify($"{tampered[0]}.{otherClaims}.{tampered[2]}", publicKey));
        publicKey.Dispose();
    }

    [Fact]
    public void Build_SubjectWithPlusAndUnicode_RoundTripsThroughJson()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var claims = Jws.Claims(JwtAssertionBuilder.Build(key, Parameters(subject: "ops+jwt@acmé.com.uat")));

        Assert.Equal("ops+jwt@acmé.com.uat", claims.GetProperty("sub").GetString());
        publicKey.Dispose();
    }

    [Fact]
    public void Build_CustomSigningCredentials_UsesTheSignerAndVerifies()
    {
        using var rsa = TestKeys.NewRsa();
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        using var key = SalesforceSigningKey.FromSigningCredentials(credentials);

        var jwt = JwtAssertionBuilder.Build(key, Parameters());

        Assert.True(Jws.Verify(jwt, rsa));
    }

    [Fact]
    public void Build_ManyThreads_ProduceIndependentValidAssertions()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var subjects = Enumerable.Range(0, 64).Select(i => $"user{i}@acme.com").ToArray();
        var results = new string[subjects.Length];

        Parallel.For(0, subjects.Length, i => results[i] = JwtAssertionBuilder.Build(key, Parameters(subject: subjects[i])));

        for (var i = 0; i < subjects.Length; i++)
        {
            Assert.Equal(subjects[i], Jws.Claims(results[i]).GetProperty("sub").GetString());
            Assert.True(Jws.Verify(results[i], publicKey));
        }

        publicKey.Dispose();
    }

    [Fact]
    public void Build_TwiceOnOneThread_SecondAssertionIsWholeAndOnlyItsOwnClaims()
    {
        // The JSON writer and its buffer are reused per thread: the second assertion must not carry the first's bytes.
        using var key = TestKeys.NewSigningKey(out var publicKey);
        JwtAssertionBuilder.Build(key, Parameters(subject: "a-much-longer-first-subject@acme.example.com"), includeJwtId: true);

        var second = JwtAssertionBuilder.Build(key, Parameters(subject: "b@acme.com"), includeJwtId: false);

        Assert.Equal(3, second.Split('.').Length);
        var claims = Jws.Claims(second);
        Assert.Equal("b@acme.com", claims.GetProperty("sub").GetString());
        Assert.Equal(new[] { "iss", "sub", "aud", "exp", "iat" }, claims.EnumerateObject().Select(c => c.Name));
        Assert.True(Jws.Verify(second, publicKey));
        publicKey.Dispose();
    }

    [Fact]
    public void Build_NullArguments_ArgumentNullException()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        publicKey.Dispose();

        Assert.Throws<ArgumentNullException>(() => JwtAssertionBuilder.Build(null!, Parameters()));
        Assert.Throws<ArgumentNullException>(() => JwtAssertionBuilder.Build(key, null!));
    }

    [Theory]
    [InlineData(new byte[0], "")]
    [InlineData(new byte[] { 0xFB }, "-w")]
    [InlineData(new byte[] { 0xFB, 0xFF }, "-_8")]
    [InlineData(new byte[] { 0xFB, 0xFF, 0xBF }, "-_-_")]
    [InlineData(new byte[] { 0x66, 0x6F, 0x6F, 0x62 }, "Zm9vYg")]
    public void EncodeBase64Url_UnpaddedUrlAlphabet(byte[] source, string expected)
    {
        var destination = new byte[(source.Length + 2) / 3 * 4];

        var written = JwtAssertionBuilder.EncodeBase64Url(source, destination);

        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(destination, 0, written));
        Assert.Equal(expected.Length, JwtAssertionBuilder.Base64UrlLength(source.Length));
    }

    [Fact]
    public void Base64UrlLength_MatchesTheEncoder()
    {
        for (var length = 0; length <= 520; length++)
        {
            Assert.Equal(Convert.ToBase64String(new byte[length]).TrimEnd('=').Length, JwtAssertionBuilder.Base64UrlLength(length));
        }
    }

    [Fact]
    public void EncodeBase64Url_BufferTooSmall_ThrowsInsteadOfATruncatedToken() =>
        Assert.Contains("too small", Assert.Throws<InvalidOperationException>(() => JwtAssertionBuilder.EncodeBase64Url(new byte[] { 1, 2, 3, 4 }, new byte[4])).Message, StringComparison.Ordinal);

    [Fact]
    public void Build_WarmPath_AllocatesLessThan4KB()
    {
        using var key = TestKeys.NewSigningKey(out var publicKey);
        var p = Parameters();
        JwtAssertionBuilder.Build(key, p);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var jwt = JwtAssertionBuilder.Build(key, p);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(Jws.Verify(jwt, publicKey));
        Assert.InRange(allocated, 1, 4096);
        publicKey.Dispose();
    }
}
