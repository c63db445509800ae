using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Assertions;
using SalesforceAuth.Tests.TestSupport;
using static SalesforceAuth.Tests.Assertions.SamlTestSupport;

namespace SalesforceAuth.Tests.Assertions;

public sealed class SamlAssertionBuilderTests(SamlKeyFixture keys) : IClassFixture<SamlKeyFixture>
{
    private const string Saml = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";

    [Fact]
    public async Task BuildXml_InProcessKey_VerifiedByXmlSec1()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        var (exitCode, output) = await VerifyWithXmlSec1Async(xml, certificate);

        Assert.True(exitCode == 0, $"xmlsec1 rejected the assertion: {output}");
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildXml_InProcessKey_VerifiedBySignedXmlWithOnlyTheCertificate()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        Assert.True(CheckWithSignedXml(xml, certificate));
    }

    [Fact]
    public async Task BuildXml_CustomSigner_SignsThroughTheProviderAndIsVerifiedByXmlSec1AndSignedXml()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        var factory = new VaultCryptoProviderFactory(rsa);
        using var key = VaultKey(rsa, certificate, factory);
        Assert.Null(key.Rsa);

        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        Assert.Equal(1, factory.SignCalls);
        var (exitCode, output) = await VerifyWithXmlSec1Async(xml, certificate);
        Assert.True(exitCode == 0, $"xmlsec1 rejected the assertion: {output}");
        Assert.True(CheckWithSignedXml(xml, certificate));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BuildXml_SameContent_HasTheDigestAndSignatureSignedXmlComputes(bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        // RSASSA-PKCS1-v1_5 is deterministic: equal SignatureValues mean equal canonical SignedInfo bytes, and equal
        // DigestValues mean equal canonical assertion bytes.
        var reference = ResignWithSignedXml(xml, rsa, certificate);
        var ours = Parse(xml);

        Assert.Equal(reference.GetElementsByTagName("DigestValue", Ds)[0]!.InnerText, ours.GetElementsByTagName("DigestValue", Ds)[0]!.InnerText);
        Assert.Equal(reference.GetElementsByTagName("SignatureValue", Ds)[0]!.InnerText, ours.GetElementsByTagName("SignatureValue", Ds)[0]!.InnerText);
        Assert.Equal(ExclusiveCanonicalForm(reference), ExclusiveCanonicalForm(ours));
    }

    [Fact]
    public void BuildXml_Output_IsAlreadyInExclusiveCanonicalForm()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var parameters = Parameters(Start, TimeSpan.FromMinutes(3)) with { Subject = "a&b<c>\"d'@acme.example.com" };
        var xml = SamlAssertionBuilder.BuildXml(key, parameters);

        Assert.Equal(xml, ExclusiveCanonicalForm(Parse(xml)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BuildXml_MarkupAndNonAsciiInValues_AreEscapedExactlyAndStillVerify(bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);
        const string Subject = "o'brien&<co>\"x\"]]>é漢😀@acme.example.com";
        const string Format = "urn:x:&<>\"'é:format";
        var parameters = Parameters(Start, TimeSpan.FromMinutes(3)) with { Subject = Subject, NameIdFormat = Format };

        var xml = SamlAssertionBuilder.BuildXml(key, parameters);

        var nameId = (XmlElement)Parse(xml).GetElementsByTagName("NameID", Saml)[0]!;
        Assert.Equal(Subject, nameId.InnerText);
        Assert.Equal(Format, nameId.GetAttribute("Format"));
        Assert.True(CheckWithSignedXml(xml, certificate));
        var (exitCode, output) = await VerifyWithXmlSec1Async(xml, certificate);
        Assert.True(exitCode == 0, $"xmlsec1 rejected the assertion: {output}");
    }

    [Fact]
    public void BuildXml_ValuesLargerThanTheInitialBuffer_StillVerify()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var subject = new string('u', 20_000) + "&" + new string('v', 20_000) + "@acme.example.com";

        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)) with { Subject = subject });

        Assert.Equal(subject, Parse(xml).GetElementsByTagName("NameID", Saml)[0]!.InnerText);
        Assert.True(CheckWithSignedXml(xml, certificate));
    }

    [Theory]
    [InlineData("Subject", "Username")]
    [InlineData("Issuer", "ClientId")]
    [InlineData("Audience", "Audience")]
    [InlineData("NameIdFormat", "SamlNameIdFormat")]
    [InlineData("SubjectTab", "Username")]
    [InlineData("SubjectLineBreak", "Username")]
    public void BuildXml_CharacterXmlCannotCarry_ThrowsConfigurationExceptionNamingTheSetting(string field, string setting)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var valid = Parameters(Start, TimeSpan.FromMinutes(3));
        var parameters = field switch
        {
            "Subject" => valid with { Subject = "user\u0001@acme.example.com" },
            "SubjectTab" => valid with { Subject = "user\t@acme.example.com" },
            "SubjectLineBreak" => valid with { Subject = "user@acme.example.com\r\n" },
            "Issuer" => valid with { Issuer = "3MVG9\uD800" },
            "Audience" => valid with { Audience = "https://login.salesforce.com\u0000" },
            _ => valid with { NameIdFormat = "urn:\u001B" },
        };

        var exception = Assert.Throws<SalesforceConfigurationException>(() => SamlAssertionBuilder.BuildXml(key, parameters));

        Assert.Equal(setting, exception.Setting);
        Assert.Contains(setting, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NameID", "attacker@acme.example.com", false)]
    [InlineData("Audience", "https://test.salesforce.com", false)]
    [InlineData("NameID", "attacker@acme.example.com", true)]
    [InlineData("Audience", "https://test.salesforce.com", true)]
    public async Task BuildXml_TamperedAfterSigning_FailsBothVerifications(string element, string newValue, bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));
        var document = Parse(xml);
        var target = (XmlElement)document.GetElementsByTagName(element, Saml)[0]!;
        Assert.NotEqual(newValue, target.InnerText);
        target.InnerText = newValue;
        var tampered = document.OuterXml;

        Assert.False(CheckWithSignedXml(tampered, certificate));
        var (exitCode, output) = await VerifyWithXmlSec1Async(tampered, certificate);
        Assert.True(exitCode != 0, $"xmlsec1 accepted a tampered assertion: {output}");

        // The same pipeline accepts the untampered original, so the failure above is the tampering.
        Assert.True(CheckWithSignedXml(xml, certificate));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BuildXml_Structure_ValidatesAgainstTheSamlAndXmlDsigSchemaSubset(bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        var problems = SamlSchemaSubset.Validate(xml);

        Assert.Empty(problems);
    }

    [Fact]
    public void SchemaSubset_SignatureAtTheEnd_IsRejected()
    {
        // The schema check above can fail: a signature appended at the end (a common hand-rolled mistake) is caught.
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var document = Parse(SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3))));
        var signature = document.GetElementsByTagName("Signature", Ds)[0]!;
        document.DocumentElement!.AppendChild(signature);

        Assert.NotEmpty(SamlSchemaSubset.Validate(document.OuterXml));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BuildXml_Elements_AreInSchemaOrderWithTheRequiredAttributes(bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);
        var parameters = Parameters(Start, TimeSpan.FromMinutes(3));
        var xml = SamlAssertionBuilder.BuildXml(key, parameters);
        var root = Parse(xml).DocumentElement!;

        Assert.Equal(("Assertion", Saml, "saml"), (root.LocalName, root.NamespaceURI, root.Prefix));
        Assert.Equal("2.0", root.GetAttribute("Version"));
        Assert.Equal(
            ["saml:Issuer", "ds:Signature", "saml:Subject", "saml:Conditions", "saml:AuthnStatement"],
            Children(root));

        var issuer = Child(root, Saml, "Issuer");
        Assert.Equal(parameters.Issuer, issuer.InnerText);
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:nameid-format:entity", issuer.GetAttribute("Format"));

        var subject = Child(root, Saml, "Subject");
        Assert.Equal(["saml:NameID", "saml:SubjectConfirmation"], Children(subject));
        var nameId = Child(subject, Saml, "NameID");
        Assert.Equal(parameters.Subject, nameId.InnerText);
        Assert.Equal("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", nameId.GetAttribute("Format"));
        var confirmation = Child(subject, Saml, "SubjectConfirmation");
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:cm:bearer", confirmation.GetAttribute("Method"));
        var confirmationData = Child(confirmation, Saml, "SubjectConfirmationData");
        Assert.Equal("https://login.salesforce.com/services/oauth2/token", confirmationData.GetAttribute("Recipient"));

        var conditions = Child(root, Saml, "Conditions");
        Assert.Equal(["saml:AudienceRestriction"], Children(conditions));
        Assert.Equal("https://login.salesforce.com", Child(Child(conditions, Saml, "AudienceRestriction"), Saml, "Audience").InnerText);

        var authnStatement = Child(root, Saml, "AuthnStatement");
        Assert.Equal(
            "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
            Child(Child(authnStatement, Saml, "AuthnContext"), Saml, "AuthnContextClassRef").InnerText);

        var signature = Child(root, Ds, "Signature");
        Assert.Equal(["ds:SignedInfo", "ds:SignatureValue", "ds:KeyInfo"], Children(signature));
        var signedInfo = Child(signature, Ds, "SignedInfo");
        Assert.Equal("http://www.w3.org/2001/10/xml-exc-c14n#", Child(signedInfo, Ds, "CanonicalizationMethod").GetAttribute("Algorithm"));
        Assert.Equal("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", Child(signedInfo, Ds, "SignatureMethod").GetAttribute("Algorithm"));
        var reference = Child(signedInfo, Ds, "Reference");
        Assert.Equal("#" + root.GetAttribute("ID"), reference.GetAttribute("URI"));
        Assert.Equal(
            ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
            Child(reference, Ds, "Transforms").ChildNodes.Cast<XmlElement>().Select(t => t.GetAttribute("Algorithm")));
        Assert.Equal("http://www.w3.org/2001/04/xmlenc#sha256", Child(reference, Ds, "DigestMethod").GetAttribute("Algorithm"));
        var x509 = Child(Child(Child(signature, Ds, "KeyInfo"), Ds, "X509Data"), Ds, "X509Certificate");
        Assert.Equal(Convert.ToBase64String(certificate.RawData), x509.InnerText);
    }

    [Fact]
    public void BuildXml_Output_IsCompactWithoutWhitespaceNodesOrDoctype()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var xml = SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3)));
        var document = Parse(xml);

        Assert.StartsWith("<saml:Assertion ", xml, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', xml);
        Assert.DoesNotContain('\r', xml);
        Assert.Null(document.DocumentType);
        Assert.DoesNotContain(document.SelectNodes("//node()")!.Cast<XmlNode>(), n => n.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace);
    }

    [Fact]
    public void BuildXml_Id_IsAFreshValidXsIdOnEveryBuild()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var parameters = Parameters(Start, TimeSpan.FromMinutes(3));
        var ids = Enumerable.Range(0, 5)
            .Select(_ => Parse(SamlAssertionBuilder.BuildXml(key, parameters)).DocumentElement!.GetAttribute("ID"))
            .ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            // xs:ID is an NCName: it must not start with a digit, which a bare hex or GUID string may.
            Assert.Equal(id, XmlConvert.VerifyNCName(id));
            Assert.Matches("^_[0-9A-Fa-f]{32}$", id);
        });
    }

    [Fact]
    public void BuildXml_TimesFromFakeTimeProvider_AppearExactlyInUtc()
    {
        var time = new FakeTimeProvider(Start);
        time.Advance(TimeSpan.FromSeconds(17));
        var issuedAt = time.GetUtcNow();
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        // A caller in another offset still produces UTC "Z" instants.
        var parameters = Parameters(issuedAt.ToOffset(TimeSpan.FromHours(5.5)), TimeSpan.FromMinutes(3));

        var root = Parse(SamlAssertionBuilder.BuildXml(key, parameters)).DocumentElement!;

        const string Issued = "2026-03-14T15:09:43Z";
        const string Expires = "2026-03-14T15:12:43Z";
        Assert.Equal(Issued, root.GetAttribute("IssueInstant"));
        var conditions = Child(root, Saml, "Conditions");
        Assert.Equal(Issued, conditions.GetAttribute("NotBefore"));
        Assert.Equal(Expires, conditions.GetAttribute("NotOnOrAfter"));
        var confirmationData = Child(Child(Child(root, Saml, "Subject"), Saml, "SubjectConfirmation"), Saml, "SubjectConfirmationData");
        Assert.Equal(Expires, confirmationData.GetAttribute("NotOnOrAfter"));
        Assert.Equal(Issued, Child(root, Saml, "AuthnStatement").GetAttribute("AuthnInstant"));
        Assert.Equal(issuedAt, XmlConvert.ToDateTimeOffset(root.GetAttribute("IssueInstant")));
        Assert.Equal(issuedAt + TimeSpan.FromMinutes(3), XmlConvert.ToDateTimeOffset(conditions.GetAttribute("NotOnOrAfter")));
    }

    [Fact]
    public void BuildXml_SubSecondTimes_AreTruncatedNeverMovedLater()
    {
        var time = new FakeTimeProvider(Start);
        time.Advance(TimeSpan.FromMilliseconds(999));
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var root = Parse(SamlAssertionBuilder.BuildXml(key, Parameters(time.GetUtcNow(), TimeSpan.FromMinutes(3)))).DocumentElement!;

        Assert.Equal("2026-03-14T15:09:26Z", root.GetAttribute("IssueInstant"));
        Assert.Equal("2026-03-14T15:12:26Z", Child(root, Saml, "Conditions").GetAttribute("NotOnOrAfter"));
    }

    [Fact]
    public void BuildXml_ExpiryNotAfterIssueOrRelativeEndpoint_Throws()
    {
        using var key = SalesforceSigningKey.FromRsa(keys.Rsa, keys.Certificate);

        Assert.Throws<ArgumentException>(() => SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => SamlAssertionBuilder.BuildXml(
            key,
            Parameters(Start, TimeSpan.FromMinutes(3)) with { TokenEndpoint = new Uri("/services/oauth2/token", UriKind.Relative) }));
    }

    [Fact]
    public void BuildXml_ConfiguredNameIdFormat_IsCarried()
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = SalesforceSigningKey.FromRsa(rsa, certificate);
        var parameters = Parameters(Start, TimeSpan.FromMinutes(3)) with { NameIdFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" };

        var xml = SamlAssertionBuilder.BuildXml(key, parameters);

        var nameId = (XmlElement)Parse(xml).GetElementsByTagName("NameID", Saml)[0]!;
        Assert.Equal("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", nameId.GetAttribute("Format"));
        Assert.True(CheckWithSignedXml(xml, certificate));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Build_Base64Url_DecodesToAVerifiableAssertionWithoutUnsafeCharacters(bool customSigner)
    {
        var (rsa, certificate) = (keys.Rsa, keys.Certificate);
        using var key = customSigner ? VaultKey(rsa, certificate, new VaultCryptoProviderFactory(rsa)) : SalesforceSigningKey.FromRsa(rsa, certificate);

        var encoded = SamlAssertionBuilder.Build(key, Parameters(Start, TimeSpan.FromMinutes(3)));

        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain('/', encoded);
        Assert.DoesNotContain('=', encoded);
        Assert.DoesNotContain('\n', encoded);
        Assert.DoesNotContain('\r', encoded);
        var bytes = Jws.DecodeSegment(encoded);

        // Standard base64 of the same bytes does use '+' or '/', so the URL-safe alphabet was really applied.
        Assert.True(Convert.ToBase64String(bytes).AsSpan().IndexOfAny('+', '/') >= 0);
        var xml = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        Assert.Equal(encoded, Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        Assert.True(CheckWithSignedXml(xml, certificate));
        var (exitCode, output) = await VerifyWithXmlSec1Async(xml, certificate);
        Assert.True(exitCode == 0, $"xmlsec1 rejected the decoded assertion: {output}");
    }

    [Fact]
    public void Build_KeyWithoutCertificate_ThrowsConfigurationExceptionNamingTheSetting()
    {
        using var key = SalesforceSigningKey.FromRsa(keys.Rsa);

        var encoded = Assert.Throws<SalesforceConfigurationException>(() => SamlAssertionBuilder.Build(key, Parameters(Start, TimeSpan.FromMinutes(3))));
        var xml = Assert.Throws<SalesforceConfigurationException>(() => SamlAssertionBuilder.BuildXml(key, Parameters(Start, TimeSpan.FromMinutes(3))));

        foreach (var exception in new[] { encoded, xml })
        {
            Assert.Equal("CertificatePath", exception.Setting);
            Assert.Contains("CertificatePath", exception.Message, StringComparison.Ordinal);
            Assert.Contains("CertificatePem", exception.Message, StringComparison.Ordinal);
            Assert.Contains("SAML", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_CustomSignerWithoutCertificate_ThrowsConfigurationException()
    {
        var rsa = keys.Rsa;
        var factory = new VaultCryptoProviderFactory(rsa);
        var credentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
            new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false)) { CryptoProviderFactory = factory },
            Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256) { CryptoProviderFactory = factory };
        using var key = SalesforceSigningKey.FromSigningCredentials(credentials);

        var exception = Assert.Throws<SalesforceConfigurationException>(() => SamlAssertionBuilder.Build(key, Parameters(Start, TimeSpan.FromMinutes(3))));

        Assert.Equal("CertificatePath", exception.Setting);
        Assert.Equal(0, factory.SignCalls);
    }

    private static IEnumerable<string> Children(XmlElement element) =>
        element.ChildNodes.Cast<XmlNode>().Select(n => n is XmlElement e
            ? (e.NamespaceURI == Ds ? "ds:" : e.NamespaceURI == Saml ? "saml:" : "?:") + e.LocalName
            : "#" + n.NodeType);

    private static XmlElement Child(XmlElement parent, string ns, string localName) =>
        Assert.Single(parent.ChildNodes.OfType<XmlElement>(), e => e.NamespaceURI == ns && e.LocalName == localName);
}
