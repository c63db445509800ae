using System.Net;
using System.Text;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests.Emulator;

public sealed class SamlBearerEmulatorTests
{
    private static SamlBuilder Saml(EmulatorKit kit) => new()
    {
        Issuer = kit.App.ConsumerKey,
        NameId = kit.User.Username,
        Recipient = kit.LoginToken.ToString(),
        Now = kit.Fake.UtcNow,
    };

    private static Task<HttpResponseMessage> Post(EmulatorKit kit, string assertion, Uri? url = null) =>
        kit.PostAsync(url ?? kit.LoginToken, ("grant_type", EmulatorKit.SamlGrant), ("assertion", assertion));

    [Fact]
    public async Task SamlGrant_ValidAssertion_ReturnsToken()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.TokenAsync(await Post(kit, Saml(kit).Build()));
        Assert.StartsWith(kit.Org.OrgId[..15] + "!", token.GetProperty("access_token").GetString());
        Assert.False(token.TryGetProperty("refresh_token", out _));
        Assert.False(token.TryGetProperty("expires_in", out _));
        Assert.Equal(1, kit.Fake.Counters.TokenRequests(EmulatorKit.SamlGrant, "success"));
    }

    [Fact]
    public async Task SamlGrant_PublicRecipientName_IsAcceptedOnLogin()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Recipient = "https://login.salesforce.com/services/oauth2/token";
        Assert.Equal(HttpStatusCode.OK, (await Post(kit, saml.Build())).StatusCode);
    }

    [Fact]
    public async Task SamlGrant_TamperedNameId_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var other = kit.Org.AddUser("admin@acme.com");
        kit.App.PreAuthorizedUsers.Add(other);
        var document = Saml(kit).BuildDocument();
        var nameId = document.GetElementsByTagName("NameID", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        nameId.InnerText = other.Username;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, SamlBuilder.Encode(document.OuterXml)), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task SamlGrant_SignedWithAnotherKey_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Certificate = EmulatorKit.OtherKeys.Certificate;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task SamlGrant_Unsigned_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var document = Saml(kit).BuildDocument();
        var signature = document.GetElementsByTagName("Signature", "http://www.w3.org/2000/09/xmldsig#")[0]!;
        signature.ParentNode!.RemoveChild(signature);
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, SamlBuilder.Encode(document.OuterXml)), "invalid_grant", "invalid assertion");
    }

    [Theory]
    [InlineData("not base64url!")]
    [InlineData("PHNhbWw+")]
    public async Task SamlGrant_GarbageOrNotXml_IsInvalidAssertion(string assertion)
    {
        await using var kit = await EmulatorKit.StartAsync();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, assertion), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task SamlGrant_Dtd_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var xml = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&e;</saml:Assertion>""";
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, SamlBuilder.Encode(xml)), "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task SamlGrant_StandardBase64_RejectedByDefault_AcceptedWhenConfigured()
    {
        await using var kit = await EmulatorKit.StartAsync();
        // '>' at the third byte of a group encodes as '+', which base64url never contains.
        var standard = Convert.ToBase64String(Encoding.UTF8.GetBytes(Saml(kit).BuildDocument().OuterXml));
        Assert.Contains('+', standard);
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, standard), "invalid_grant", "invalid assertion");

        await using var lenient = await EmulatorKit.StartAsync(o => o.AcceptStandardBase64SamlAssertion = true);
        var accepted = Convert.ToBase64String(Encoding.UTF8.GetBytes(Saml(lenient).BuildDocument().OuterXml));
        Assert.Equal(HttpStatusCode.OK, (await Post(lenient, accepted)).StatusCode);
    }

    [Fact]
    public async Task SamlGrant_UnknownIssuer_IsInvalidClientId()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Issuer = "3MVG9unknown";
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_client_id", "client identifier invalid");
    }

    [Fact]
    public async Task SamlGrant_WrongAudience_IsAudienceValidationFailed()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Audience = "https://test.salesforce.com";
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "Audience validation failed");
    }

    [Fact]
    public async Task SamlGrant_WrongRecipient_IsInvalidAssertion()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Recipient = kit.MyDomainToken.ToString();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "invalid assertion");
        Assert.Equal(HttpStatusCode.OK, (await Post(kit, saml.Build(), kit.MyDomainToken)).StatusCode);
    }

    [Fact]
    public async Task SamlGrant_Expired_IsExpiredAuthorizationCode()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.Now = kit.Fake.UtcNow.AddMinutes(-10);
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task SamlGrant_NotYetValid_IsExpiredAuthorizationCode()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.NotBefore = kit.Fake.UtcNow.AddMinutes(2);
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task SamlGrant_UnknownUser_IsInvalidAssertion_InactiveUser_IsInactiveUser()
    {
        await using var kit = await EmulatorKit.StartAsync();
        var saml = Saml(kit);
        saml.NameId = "ghost@acme.com";
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, saml.Build()), "invalid_grant", "invalid assertion");

        kit.User.IsActive = false;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, Saml(kit).Build()), "invalid_grant", "inactive user");
    }

    [Fact]
    public async Task SamlGrant_NotApproved_IsUserHasNotApproved()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.PreAuthorizedUsers.Clear();
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, Saml(kit).Build()), "invalid_grant", "user hasn't approved this consumer");
    }

    [Fact]
    public async Task SamlGrant_FlowDisabled_IsUnsupportedGrantType()
    {
        await using var kit = await EmulatorKit.StartAsync();
        kit.App.EnabledFlows = FakeOAuthFlows.JwtBearer;
        await EmulatorKit.AssertOAuthErrorAsync(await Post(kit, Saml(kit).Build()), "unsupported_grant_type", "grant type not supported");
    }
}
