using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace SalesforceAuth.IntegrationTests.Emulator;

/// <summary>Hand-built, SignedXml-signed SAML 2.0 bearer assertions (independent of the SalesforceAuth library).</summary>
internal sealed class SamlBuilder
{
    public required string Issuer { get; set; }

    public required string NameId { get; set; }

    public required string Recipient { get; set; }

    public string Audience { get; set; } = "https://login.salesforce.com";

    public required DateTimeOffset Now { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(3);

    public DateTimeOffset? NotBefore { get; set; }

    public X509Certificate2 Certificate { get; set; } = EmulatorKit.Keys.Certificate;

    public XmlDocument BuildDocument()
    {
        var id = "_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var end = Time(Now + Lifetime);
        var xml = $"""
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" IssueInstant="{Time(Now)}" Version="2.0"><saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">{NameId}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{end}" Recipient="{Recipient}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{Time(NotBefore ?? Now.AddMinutes(-1))}" NotOnOrAfter="{end}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{Time(Now)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion>
            """;
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        using var key = Certificate.GetRSAPrivateKey()!;
        var signed = new SignedXml(document) { SigningKey = key };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + id) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(Certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        var issuer = document.DocumentElement!.FirstChild!;
        document.DocumentElement.InsertAfter(document.ImportNode(signed.GetXml(), true), issuer);
        return document;
    }

    public string Build() => Encode(BuildDocument().OuterXml);

    public static string Encode(string xml) => EmulatorKit.B64(Encoding.UTF8.GetBytes(xml));

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
