using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Microsoft.IdentityModel.Tokens;
using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tests.Assertions;

/// <summary>Throwaway keys, safe parsing and independent verifiers (SignedXml with the public key only, xmlsec1).</summary>
internal static class SamlTestSupport
{
    public const string XmlSec1 = "/usr/bin/xmlsec1";

    public static readonly DateTimeOffset Start = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static AssertionParameters Parameters(DateTimeOffset issuedAt, TimeSpan lifetime) => new(
        Issuer: "3MVG9consumer.key_ABC",
        Subject: "integration@acme.example.com",
        Audience: "https://login.salesforce.com",
        TokenEndpoint: new Uri("https://login.salesforce.com/services/oauth2/token"),
        IssuedAt: issuedAt,
        ExpiresAt: issuedAt + lifetime);

    /// <summary>An RSA-2048 key with a self-signed certificate valid around the real current time (xmlsec1 checks it).</summary>
    public static (RSA Rsa, X509Certificate2 Certificate) CreateKeyPair()
    {
        var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=SalesforceAuth SAML test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return (rsa, certificate);
    }

    /// <summary>The certificate without its private key, as a verifier would have it.</summary>
    public static X509Certificate2 PublicOnly(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadCertificate(certificate.RawData);

    public static XmlDocument Parse(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        document.Load(reader);
        return document;
    }

    /// <summary>
    /// Verifies with a fresh SignedXml over a reparsed document and only the certificate's public key, and checks that
    /// the single reference points at the root assertion (so a valid signature over something else does not pass).
    /// </summary>
    public static bool CheckWithSignedXml(string xml, X509Certificate2 certificate)
    {
        var document = Parse(xml);
        var signatures = document.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl);
        Assert.Equal(1, signatures.Count);
        var signedXml = new SignedXml(document);
        signedXml.LoadXml((XmlElement)signatures[0]!);
        var reference = Assert.Single(signedXml.SignedInfo!.References.Cast<Reference>());
        Assert.Equal("#" + document.DocumentElement!.GetAttribute("ID"), reference.Uri);
        using var publicKey = PublicOnly(certificate).GetRSAPublicKey()!;
        return signedXml.CheckSignature(publicKey);
    }

    /// <summary>
    /// The reference implementation: re-signs the content of <paramref name="xml"/> (its own signature removed) with
    /// SignedXml configured as Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5 prescribes, the signature inserted after Issuer.
    /// </summary>
    public static XmlDocument ResignWithSignedXml(string xml, RSA rsa, X509Certificate2 certificate)
    {
        var document = Parse(xml);
        var assertion = document.DocumentElement!;
        var ownSignature = document.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl)[0]!;
        assertion.RemoveChild(ownSignature);

        var signedXml = new SignedXml(assertion) { SigningKey = rsa };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signedXml.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + assertion.GetAttribute("ID")) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signedXml.KeyInfo = keyInfo;
        signedXml.ComputeSignature();

        var issuer = assertion.GetElementsByTagName("Issuer", SamlAssertionBuilder.SamlNamespace)[0]!;
        assertion.InsertAfter(document.ImportNode(signedXml.GetXml(), deep: true), issuer);
        return document;
    }

    /// <summary>The exclusive canonical form (without comments) of a whole document, as a verifier computes it.</summary>
    public static string ExclusiveCanonicalForm(XmlDocument document)
    {
        var transform = new XmlDsigExcC14NTransform();
        transform.LoadInput(document);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        using var reader = new StreamReader(output, new UTF8Encoding(false));
        return reader.ReadToEnd();
    }

    /// <summary>Runs xmlsec1 --verify with the certificate as the only key; returns null when xmlsec1 is absent (after skipping).</summary>
    public static async Task<(int ExitCode, string Output)> VerifyWithXmlSec1Async(string xml, X509Certificate2 certificate)
    {
        if (!File.Exists(XmlSec1))
        {
            if (Environment.GetEnvironmentVariable("SALESFORCEAUTH_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail($"{XmlSec1} is required (SALESFORCEAUTH_REQUIRE_TOOLS=1) but is not installed: apt-get install xmlsec1.");
            }

            Assert.Skip($"{XmlSec1} is not installed (apt-get install xmlsec1); the independent SAML signature check did not run.");
        }

        var directory = Directory.CreateTempSubdirectory("sfauth-saml-");
        try
        {
            var certificatePath = Path.Combine(directory.FullName, "cert.pem");
            var assertionPath = Path.Combine(directory.FullName, "assertion.xml");
            await File.WriteAllTextAsync(certificatePath, PublicOnly(certificate).ExportCertificatePem(), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(assertionPath, xml, new UTF8Encoding(false), TestContext.Current.CancellationToken);

            var start = new ProcessStartInfo(XmlSec1)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--verify", "--pubkey-cert-pem", certificatePath,
                "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                assertionPath,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>An HSM/KMS stand-in: IdentityModel signs through this factory and never sees the private key.</summary>
    public sealed class VaultCryptoProviderFactory(RSA vaultKey) : CryptoProviderFactory
    {
        public int SignCalls;

        public override SignatureProvider CreateForSigning(SecurityKey key, string algorithm) =>
            new VaultSignatureProvider(key, algorithm, vaultKey, this);

        public override void ReleaseSignatureProvider(SignatureProvider signatureProvider)
        {
        }

        private sealed class VaultSignatureProvider(SecurityKey key, string algorithm, RSA vaultKey, VaultCryptoProviderFactory owner)
            : SignatureProvider(key, algorithm)
        {
            public override byte[] Sign(byte[] input)
            {
                Interlocked.Increment(ref owner.SignCalls);
                return vaultKey.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            public override bool Verify(byte[] input, byte[] signature) =>
                vaultKey.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

            public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) =>
                vaultKey.VerifyData(input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

            protected override void Dispose(bool disposing)
            {
            }
        }
    }

    /// <summary>A key whose private part lives only behind <paramref name="factory"/> (SalesforceSigningKey.Rsa is null).</summary>
    public static SalesforceSigningKey VaultKey(RSA vaultKey, X509Certificate2 certificate, VaultCryptoProviderFactory factory)
    {
        var publicOnly = new RsaSecurityKey(vaultKey.ExportParameters(includePrivateParameters: false)) { CryptoProviderFactory = factory };
        var credentials = new SigningCredentials(publicOnly, SecurityAlgorithms.RsaSha256) { CryptoProviderFactory = factory };
        return SalesforceSigningKey.FromSigningCredentials(credentials, PublicOnly(certificate));
    }
}
