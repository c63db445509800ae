using System.IdentityModel.Tokens.Jwt;
using Microsoft.IdentityModel.Tokens;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.Assertions;

/// <summary>
/// Our hand-written JWT is read and validated by System.IdentityModel.Tokens.Jwt, an independent implementation, with
/// the checks Salesforce applies: RS256 signature against the certificate's public key, issuer, audience, lifetime.
/// </summary>
public sealed class JwtAssertionInteropTests
{
    [Fact]
    public void Build_ValidatedByJwtSecurityTokenHandler_PassesSignatureIssuerAudienceAndLifetime()
    {
        using var rsa = TestKeys.NewRsa();
        using var certificate = TestKeys.SelfSigned(rsa);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var now = DateTimeOffset.UtcNow;
        var parameters = new AssertionParameters("3MVG9consumerKey", "integration@acme.com", "https://login.salesforce.com",
            new Uri("https://login.salesforce.com/services/oauth2/token"), now, now.AddMinutes(3));

        var jwt = JwtAssertionBuilder.Build(key, parameters);

        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        var principal = handler.ValidateToken(jwt, new TokenValidationParameters
        {
            ValidIssuer = "3MVG9consumerKey",
            ValidAudience = "https://login.salesforce.com",
            IssuerSigningKey = new X509SecurityKey(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData)),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.Zero,
        }, out var validated);

        var token = Assert.IsType<JwtSecurityToken>(validated);
        Assert.Equal("RS256", token.Header.Alg);
        Assert.Equal("integration@acme.com", principal.FindFirst("sub")?.Value);
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), new DateTimeOffset(token.ValidTo).ToUnixTimeSeconds());
        Assert.Single(token.Audiences);
    }

    [Fact]
    public void Build_SignedWithAnotherKey_RejectedByJwtSecurityTokenHandler()
    {
        using var rsa = TestKeys.NewRsa();
        using var other = TestKeys.NewRsa();
        using var otherCertificate = TestKeys.SelfSigned(other);
        using var key = SalesforceSigningKey.FromRsa(rsa);
        var now = DateTimeOffset.UtcNow;
        var jwt = JwtAssertionBuilder.Build(key, new AssertionParameters("3MVG9consumerKey", "u@acme.com", "https://login.salesforce.com",
            new Uri("https://login.salesforce.com/services/oauth2/token"), now, now.AddMinutes(3)));

        Assert.ThrowsAny<SecurityTokenSignatureKeyNotFoundException>(() => new JwtSecurityTokenHandler().ValidateToken(jwt, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            IssuerSigningKey = new X509SecurityKey(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(otherCertificate.RawData)),
        }, out _));
    }
}
