using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace SalesforceAuth.Assertions;

/// <summary>
/// Builds and signs the SAML 2.0 bearer assertion Salesforce expects (reference §3.2): an enveloped XML-DSig
/// signature right after <c>Issuer</c>, exclusive C14N, RSA-SHA256 with a SHA-256 digest and the certificate in
/// <c>KeyInfo</c>. The document is built once, compact (no insignificant whitespace), and never reparsed.
/// </summary>
internal static class SamlAssertionBuilder
{
    /// <summary>The <c>grant_type</c> that carries a SAML bearer assertion (reference §3.1).</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:saml2-bearer";

    /// <summary>The SAML 2.0 assertion namespace.</summary>
    public const string SamlNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";

    /// <summary>The XML-DSig namespace.</summary>
    public const string DsigNamespace = SignedXml.XmlDsigNamespaceUrl;

    /// <summary>The <c>Issuer</c> format of the official Salesforce sample (reference §3.2).</summary>
    public const string EntityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

    /// <summary>The only subject confirmation method Salesforce accepts for this grant.</summary>
    public const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    /// <summary>The authentication context class of the official sample.</summary>
    public const string UnspecifiedAuthnContext = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified";

    private const string Prefix = "saml";

    /// <summary>Builds the signed assertion and base64url-encodes it (RFC 4648 §5, no padding, no line breaks).</summary>
    /// <param name="key">The signing key; it must carry the certificate uploaded to the connected app.</param>
    /// <param name="parameters">The assertion content, times already skew-compensated.</param>
    /// <returns>The value of the <c>assertion</c> form field for <see cref="GrantType"/>.</returns>
    /// <exception cref="SalesforceConfigurationException">The key has no certificate.</exception>
    public static string Build(SalesforceSigningKey key, AssertionParameters parameters)
    {
        var document = BuildDocument(key, parameters);

        // Salesforce wants base64url: a '+' from standard base64 would arrive as a space after form decoding (§3.1).
        return ToBase64Url(Encoding.UTF8.GetBytes(document.OuterXml));
    }

    /// <summary>Builds the signed assertion XML (no XML declaration, no insignificant whitespace).</summary>
    /// <param name="key">The signing key; it must carry the certificate uploaded to the connected app.</param>
    /// <param name="parameters">The assertion content, times already skew-compensated.</param>
    /// <returns>The signed <c>saml:Assertion</c> element as text.</returns>
    /// <exception cref="SalesforceConfigurationException">The key has no certificate.</exception>
    public static string BuildXml(SalesforceSigningKey key, AssertionParameters parameters) =>
        BuildDocument(key, parameters).OuterXml;

    private static XmlDocument BuildDocument(SalesforceSigningKey key, AssertionParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(parameters);

        // Salesforce verifies the signature with the certificate uploaded to the app and the assertion must carry it
        // in KeyInfo (§3.2), so a bare key that works for JWT is not enough here.
        var certificate = key.Certificate ?? throw new SalesforceConfigurationException(
            "CertificatePath",
            "The SAML bearer flow needs the X.509 certificate that matches the private key (the one uploaded to the connected app under 'Use digital signatures'): it goes into the assertion's KeyInfo. Set CertificatePath or CertificatePem, or load the key from a PFX or a certificate store entry that carries the certificate.");

        if (parameters.ExpiresAt <= parameters.IssuedAt)
        {
            throw new ArgumentException("ExpiresAt must be after IssuedAt.", nameof(parameters));
        }

        var id = NewId();
        var issueInstant = FormatInstant(parameters.IssuedAt);
        var notOnOrAfter = FormatInstant(parameters.ExpiresAt);

        // PreserveWhitespace = true both while signing and when serialising: the document has no whitespace nodes, and
        // OuterXml then writes exactly the bytes that were canonicalised and digested.
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var assertion = document.CreateElement(Prefix, "Assertion", SamlNamespace);
        assertion.SetAttribute("ID", id);
        assertion.SetAttribute("IssueInstant", issueInstant);
        assertion.SetAttribute("Version", "2.0");
        document.AppendChild(assertion);

        var issuer = AppendSaml(assertion, "Issuer", parameters.Issuer);
        issuer.SetAttribute("Format", EntityFormat);

        var subject = AppendSaml(assertion, "Subject");
        AppendSaml(subject, "NameID", parameters.Subject).SetAttribute("Format", parameters.NameIdFormat);
        var confirmation = AppendSaml(subject, "SubjectConfirmation");
        confirmation.SetAttribute("Method", BearerMethod);
        var confirmationData = AppendSaml(confirmation, "SubjectConfirmationData");
        confirmationData.SetAttribute("NotOnOrAfter", notOnOrAfter);
        confirmationData.SetAttribute("Recipient", parameters.TokenEndpoint.AbsoluteUri);

        var conditions = AppendSaml(assertion, "Conditions");
        conditions.SetAttribute("NotBefore", issueInstant);
        conditions.SetAttribute("NotOnOrAfter", notOnOrAfter);
        AppendSaml(AppendSaml(conditions, "AudienceRestriction"), "Audience", parameters.Audience);

        var authnStatement = AppendSaml(assertion, "AuthnStatement");
        authnStatement.SetAttribute("AuthnInstant", issueInstant);
        AppendSaml(AppendSaml(authnStatement, "AuthnContext"), "AuthnContextClassRef", UnspecifiedAuthnContext);

        var signature = key.Rsa is { } rsa
            ? SignInProcess(document, assertion, id, rsa, certificate)
            : SignWithProvider(document, assertion, id, key, certificate);

        // Schema order (and Salesforce's sample, §3.2): the signature sits right after Issuer, not at the end.
        assertion.InsertAfter(signature, issuer);
        return document;
    }

    private static XmlElement SignInProcess(XmlDocument document, XmlElement assertion, string id, RSA rsa, X509Certificate2 certificate)
    {
        var signedXml = new SignedXml(assertion) { SigningKey = rsa };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signedXml.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;

        var reference = new Reference("#" + id) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);

        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signedXml.KeyInfo = keyInfo;

        signedXml.ComputeSignature();
        return (XmlElement)document.ImportNode(signedXml.GetXml(), deep: true);
    }

    /// <summary>
    /// Signs with a caller-supplied signer (HSM, KMS, Key Vault) that only exposes "sign these bytes with RS256":
    /// SignedXml needs an in-process <see cref="AsymmetricAlgorithm"/>, so the reference digest and the canonical
    /// SignedInfo are computed here and the signer signs the canonical SignedInfo, as XML-DSig §3.1.2 prescribes.
    /// </summary>
    private static XmlElement SignWithProvider(XmlDocument document, XmlElement assertion, string id, SalesforceSigningKey key, X509Certificate2 certificate)
    {
        // The signature is not in the document yet, so the enveloped-signature transform would remove nothing: the
        // digest is that of the exclusive canonical form of the assertion as it stands.
        var referenceTransform = new XmlDsigExcC14NTransform();
        referenceTransform.LoadInput(document);
        byte[] digest;
        using (var sha256 = SHA256.Create())
        {
            digest = referenceTransform.GetDigestedOutput(sha256);
        }

        var signature = document.CreateElement("Signature", DsigNamespace);
        var signedInfo = AppendDsig(signature, "SignedInfo");
        AppendDsig(signedInfo, "CanonicalizationMethod").SetAttribute("Algorithm", SignedXml.XmlDsigExcC14NTransformUrl);
        AppendDsig(signedInfo, "SignatureMethod").SetAttribute("Algorithm", SignedXml.XmlDsigRSASHA256Url);
        var reference = AppendDsig(signedInfo, "Reference");
        reference.SetAttribute("URI", "#" + id);
        var transforms = AppendDsig(reference, "Transforms");
        AppendDsig(transforms, "Transform").SetAttribute("Algorithm", SignedXml.XmlDsigEnvelopedSignatureTransformUrl);
        AppendDsig(transforms, "Transform").SetAttribute("Algorithm", SignedXml.XmlDsigExcC14NTransformUrl);
        AppendDsig(reference, "DigestMethod").SetAttribute("Algorithm", SignedXml.XmlDsigSHA256Url);
        AppendDsig(reference, "DigestValue", Convert.ToBase64String(digest));

        // Exclusive C14N renders only the namespaces SignedInfo uses, so canonicalising it on its own gives the bytes
        // a verifier computes in place.
        var signedInfoDocument = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        signedInfoDocument.AppendChild(signedInfoDocument.ImportNode(signedInfo, deep: true));
        var signedInfoTransform = new XmlDsigExcC14NTransform();
        signedInfoTransform.LoadInput(signedInfoDocument);
        byte[] canonicalSignedInfo;
        using (var output = (Stream)signedInfoTransform.GetOutput(typeof(Stream)))
        using (var buffer = new MemoryStream())
        {
            output.CopyTo(buffer);
            canonicalSignedInfo = buffer.ToArray();
        }

        AppendDsig(signature, "SignatureValue", Convert.ToBase64String(key.Sign(canonicalSignedInfo)));
        var x509Data = AppendDsig(AppendDsig(signature, "KeyInfo"), "X509Data");
        AppendDsig(x509Data, "X509Certificate", Convert.ToBase64String(certificate.RawData));
        return signature;
    }

    private static XmlElement AppendSaml(XmlElement parent, string localName, string? text = null)
    {
        var element = parent.OwnerDocument.CreateElement(Prefix, localName, SamlNamespace);
        if (text is not null)
        {
            element.AppendChild(parent.OwnerDocument.CreateTextNode(text));
        }

        parent.AppendChild(element);
        return element;
    }

    private static XmlElement AppendDsig(XmlElement parent, string localName, string? text = null)
    {
        var element = parent.OwnerDocument.CreateElement(localName, DsigNamespace);
        if (text is not null)
        {
            element.AppendChild(parent.OwnerDocument.CreateTextNode(text));
        }

        parent.AppendChild(element);
        return element;
    }

    /// <summary>A fresh xs:ID ("_" + 32 hex digits, 128 random bits): an ID must not start with a digit.</summary>
    private static string NewId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return string.Concat("_", Convert.ToHexString(random));
    }

    /// <summary>
    /// UTC, whole seconds, <c>Z</c> suffix. Sub-second parts are dropped, which moves NotBefore and NotOnOrAfter
    /// earlier, never later, like the JWT flow's epoch seconds.
    /// </summary>
    private static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    private static string ToBase64Url(byte[] bytes)
    {
#if NET9_0_OR_GREATER
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
#else
        var base64 = Convert.ToBase64String(bytes);
        var length = base64.Length;
        while (length > 0 && base64[length - 1] == '=')
        {
            length--;
        }

        return string.Create(length, base64, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] switch
                {
                    '+' => '-',
                    '/' => '_',
                    var c => c,
                };
            }
        });
#endif
    }
}
