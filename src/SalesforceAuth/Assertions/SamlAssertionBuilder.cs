using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace SalesforceAuth.Assertions;

/// <summary>
/// Builds and signs the SAML 2.0 bearer assertion Salesforce expects (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5): <c>saml:Assertion</c> with
/// Issuer, an enveloped XML-DSig signature right after it (schema order), Subject with a bearer confirmation, Conditions
/// and an AuthnStatement; exclusive C14N, RSA-SHA256, a SHA-256 digest and the certificate in <c>KeyInfo</c>.
/// </summary>
/// <remarks>
/// The assertion is written directly in its canonical form (see <see cref="CanonicalXmlWriter"/>): the digest is taken
/// over the very bytes that are sent, and the canonical SignedInfo is signed with <see cref="SalesforceSigningKey.Sign"/>
/// — the in-process RSA key or a caller-supplied IdentityModel signer (HSM, KMS, Key Vault) alike. SignedXml would
/// produce the same digest and signature (the tests check it byte for byte), but it copies and reparses the document
/// several times while signing (~180 KB and ~3x the RSA time per assertion), which the token core cannot afford on
/// every refresh. Nothing is parsed here, so there is no DTD or external entity to resolve.
/// </remarks>
internal static class SamlAssertionBuilder
{
    /// <summary>The <c>grant_type</c> that carries a SAML bearer assertion (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5).</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:saml2-bearer";

    /// <summary>The SAML 2.0 assertion namespace.</summary>
    public const string SamlNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";

    /// <summary>The XML-DSig namespace (the signature uses it as the default namespace, as SignedXml does).</summary>
    public const string DsigNamespace = "http://www.w3.org/2000/09/xmldsig#";

    // A signed assertion with a 2048-bit key and a typical certificate is about 3.5 KB.
    private const int InitialCapacity = 6 * 1024;

    // "yyyy-MM-ddTHH:mm:ssZ".
    private const int InstantLength = 20;

    /// <summary>Builds the signed assertion and base64url-encodes it (RFC 4648 §5, no padding, no line breaks).</summary>
    /// <param name="key">The signing key; it must carry the certificate uploaded to the connected app.</param>
    /// <param name="parameters">The assertion content, times already skew-compensated.</param>
    /// <returns>The value of the <c>assertion</c> form field for <see cref="GrantType"/>.</returns>
    /// <exception cref="SalesforceConfigurationException">The key has no certificate, or a value cannot be carried in XML.</exception>
    public static string Build(SalesforceSigningKey key, AssertionParameters parameters)
    {
        using var output = new CanonicalXmlWriter(InitialCapacity);
        Write(key, parameters, output);

        // Salesforce wants base64url: a '+' from standard base64 would arrive as a space after form decoding (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&type=5).
        return ToBase64Url(output.WrittenSpan);
    }

    /// <summary>Builds the signed assertion XML: UTF-8 text in canonical form, no XML declaration, no whitespace.</summary>
    /// <param name="key">The signing key; it must carry the certificate uploaded to the connected app.</param>
    /// <param name="parameters">The assertion content, times already skew-compensated.</param>
    /// <returns>The signed <c>saml:Assertion</c> element as text.</returns>
    /// <exception cref="SalesforceConfigurationException">The key has no certificate, or a value cannot be carried in XML.</exception>
    public static string BuildXml(SalesforceSigningKey key, AssertionParameters parameters)
    {
        using var output = new CanonicalXmlWriter(InitialCapacity);
        Write(key, parameters, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void Write(SalesforceSigningKey key, AssertionParameters parameters, CanonicalXmlWriter output)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(parameters);

        // Salesforce verifies the signature with the certificate uploaded to the app, and the assertion carries it in
        // KeyInfo (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&type=5): a bare key that is enough for JWT is not enough here.
        var certificate = key.Certificate ?? throw new SalesforceConfigurationException(
            "CertificatePath",
            "The SAML bearer flow needs the X.509 certificate that matches the private key (the one uploaded to the connected app under 'Use digital signatures'): it goes into the assertion's KeyInfo. Set CertificatePath or CertificatePem, or load the key from a PFX or a certificate store entry that carries the certificate.");

        if (parameters.ExpiresAt <= parameters.IssuedAt)
        {
            throw new ArgumentException("ExpiresAt must be after IssuedAt.", nameof(parameters));
        }

        EnsureXmlChars(parameters.Issuer, "ClientId");
        EnsureXmlChars(parameters.Subject, "Username");
        EnsureXmlChars(parameters.Audience, "Audience");
        EnsureXmlChars(parameters.NameIdFormat, "SamlNameIdFormat");
        if (!parameters.TokenEndpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("TokenEndpoint must be an absolute URL: it is the SAML Recipient.", nameof(parameters));
        }

        var recipient = parameters.TokenEndpoint.AbsoluteUri;

        Span<byte> id = stackalloc byte[33];
        NewId(id);
        Span<byte> issueInstant = stackalloc byte[InstantLength];
        Span<byte> notOnOrAfter = stackalloc byte[InstantLength];
        FormatInstant(parameters.IssuedAt, issueInstant);
        FormatInstant(parameters.ExpiresAt, notOnOrAfter);

        // 1. The assertion without its signature, in canonical form: exactly what a verifier digests after the
        //    enveloped-signature and exclusive C14N transforms. Attributes are in C14N order (by name).
        using var assertion = new CanonicalXmlWriter(InitialCapacity);
        assertion.WriteRaw("<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\""u8);
        assertion.WriteRaw(id);
        assertion.WriteRaw("\" IssueInstant=\""u8);
        assertion.WriteRaw(issueInstant);
        assertion.WriteRaw("\" Version=\"2.0\"><saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">"u8);
        assertion.WriteText(parameters.Issuer);
        assertion.WriteRaw("</saml:Issuer>"u8);
        var signatureOffset = assertion.Length;

        assertion.WriteRaw("<saml:Subject><saml:NameID Format=\""u8);
        assertion.WriteAttributeValue(parameters.NameIdFormat);
        assertion.WriteRaw("\">"u8);
        assertion.WriteText(parameters.Subject);
        assertion.WriteRaw("</saml:NameID><saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData NotOnOrAfter=\""u8);
        assertion.WriteRaw(notOnOrAfter);
        assertion.WriteRaw("\" Recipient=\""u8);
        assertion.WriteAttributeValue(recipient);
        assertion.WriteRaw("\"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\""u8);
        assertion.WriteRaw(issueInstant);
        assertion.WriteRaw("\" NotOnOrAfter=\""u8);
        assertion.WriteRaw(notOnOrAfter);
        assertion.WriteRaw("\"><saml:AudienceRestriction><saml:Audience>"u8);
        assertion.WriteText(parameters.Audience);
        assertion.WriteRaw("</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant=\""u8);
        assertion.WriteRaw(issueInstant);
        assertion.WriteRaw("\"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement></saml:Assertion>"u8);

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(assertion.WrittenSpan, digest);

        // 2. SignedInfo in canonical form. As the apex of exclusive C14N it declares the default namespace it uses;
        //    inside Signature that declaration is inherited, so only the inner part is shared with the output.
        using var signedInfo = new CanonicalXmlWriter(1024);
        signedInfo.WriteRaw("<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"u8);
        var signedInfoInnerOffset = signedInfo.Length;
        signedInfo.WriteRaw("<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"></CanonicalizationMethod><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"></SignatureMethod><Reference URI=\"#"u8);
        signedInfo.WriteRaw(id);
        signedInfo.WriteRaw("\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"></Transform><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"></Transform></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"></DigestMethod><DigestValue>"u8);
        signedInfo.WriteBase64(digest);
        signedInfo.WriteRaw("</DigestValue></Reference>"u8);
        var signedInfoInnerLength = signedInfo.Length - signedInfoInnerOffset;
        signedInfo.WriteRaw("</SignedInfo>"u8);

        // 3. Sign (XML-DSig §3.1.2: the signature is over the canonical SignedInfo).
        Span<byte> signatureBuffer = stackalloc byte[512];
        ReadOnlySpan<byte> signature = key.TrySign(signedInfo.WrittenSpan, signatureBuffer, out var signatureLength)
            ? signatureBuffer[..signatureLength]
            : key.Sign(signedInfo.WrittenSpan.ToArray());

        // 4. The output: the signature goes right after Issuer, as the schema orders it (not appended at the end).
        var canonicalAssertion = assertion.WrittenSpan;
        output.WriteRaw(canonicalAssertion[..signatureOffset]);
        output.WriteRaw("<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"u8);
        output.WriteRaw(signedInfo.WrittenSpan.Slice(signedInfoInnerOffset, signedInfoInnerLength));
        output.WriteRaw("</SignedInfo><SignatureValue>"u8);
        output.WriteBase64(signature);
        output.WriteRaw("</SignatureValue><KeyInfo><X509Data><X509Certificate>"u8);
        output.WriteBase64(certificate.RawDataMemory.Span);
        output.WriteRaw("</X509Certificate></X509Data></KeyInfo></Signature>"u8);
        output.WriteRaw(canonicalAssertion[signatureOffset..]);
    }

    /// <summary>
    /// XML 1.0 cannot carry most control characters or unpaired surrogates, not even escaped. Tabs and line breaks it
    /// can, but a verifier that reserialises the assertion before digesting (SignedXml does) turns an escaped CR in text
    /// or TAB in an attribute into a different character and then rejects a correct signature. None of them belongs in
    /// a consumer key, username, audience or format, so refuse them here, naming the setting, rather than send an
    /// assertion that can only earn <c>invalid assertion</c>.
    /// </summary>
    private static void EnsureXmlChars(string value, string setting)
    {
        ArgumentNullException.ThrowIfNull(value, setting);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= ' ' && XmlConvert.IsXmlChar(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], c))
            {
                i++;
                continue;
            }

            throw new SalesforceConfigurationException(setting, $"{setting} contains a control character (a tab, a line break or another character below U+0020) or an unpaired surrogate, which cannot go into a SAML assertion. Remove it from the setting.");
        }
    }

    /// <summary>A fresh xs:ID: "_" and 32 hex digits of 128 random bits (an ID must not start with a digit).</summary>
    private static void NewId(Span<byte> destination)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        destination[0] = (byte)'_';
        for (var i = 0; i < random.Length; i++)
        {
            destination[1 + (2 * i)] = (byte)"0123456789abcdef"[random[i] >> 4];
            destination[2 + (2 * i)] = (byte)"0123456789abcdef"[random[i] & 0xF];
        }
    }

    /// <summary>
    /// UTC, whole seconds, <c>Z</c> suffix (xs:dateTime). Sub-second parts are dropped, which moves NotBefore and
    /// NotOnOrAfter earlier, never later, like the JWT flow's epoch seconds.
    /// </summary>
    private static void FormatInstant(DateTimeOffset instant, Span<byte> destination)
    {
        if (!instant.UtcDateTime.TryFormat(destination, out var written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture) || written != InstantLength)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), "The instant must fall in years 0001-9999.");
        }
    }

    private static string ToBase64Url(ReadOnlySpan<byte> bytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
        try
        {
            Base64.EncodeToUtf8(bytes, buffer, out _, out var written);
            var encoded = buffer.AsSpan(0, written).TrimEnd((byte)'=');
            encoded.Replace((byte)'+', (byte)'-');
            encoded.Replace((byte)'/', (byte)'_');
            return Encoding.ASCII.GetString(encoded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
