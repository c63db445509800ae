using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;

namespace SalesforceAuth.Cli.Explain;

/// <summary>
/// Decodes a SAML 2.0 bearer assertion (raw XML, base64url as posted, or standard base64) and checks what Salesforce
/// checks ("OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps",
/// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5): Issuer,
/// the XML signature, Audience, Recipient, NotOnOrAfter, NameID.
/// </summary>
internal static class SamlExplainer
{
    private const string SamlNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    private const string TokenPath = "/services/oauth2/token";

    /// <summary>Decodes the value, or returns <see langword="null"/> when it is neither XML nor base64 of XML.</summary>
    public static (string Xml, bool StandardBase64)? Decode(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('<'))
        {
            return (trimmed, false);
        }

        var standard = trimmed.IndexOfAny(['+', '/']) >= 0;
        var base64 = trimmed.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            var xml = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Trim();
            return xml.StartsWith('<') ? (xml, standard) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static ExplainResult Explain(string xml, bool standardBase64, ExplainContext context)
    {
        var findings = new List<Finding>();
        var document = Load(xml);
        var root = document?.DocumentElement;
        if (document is null || root is null || root.LocalName != "Assertion" || root.NamespaceURI != SamlNamespace)
        {
            findings.Add(Finding.Error(
                FindingCodes.Malformed,
                "The value is not a SAML 2.0 <saml:Assertion> element (urn:oasis:names:tc:SAML:2.0:assertion).",
                "Pass the signed Assertion element itself (not a Response wrapping it), as XML or base64url of it."));
            return new ExplainResult("saml", [], findings);
        }

        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("saml", SamlNamespace);
        ns.AddNamespace("ds", SignedXml.XmlDsigNamespaceUrl);
        var issuer = root.SelectSingleNode("saml:Issuer", ns)?.InnerText.Trim();
        var nameId = root.SelectSingleNode("saml:Subject/saml:NameID", ns)?.InnerText.Trim();
        var confirmation = root.SelectSingleNode($"saml:Subject/saml:SubjectConfirmation[@Method='{BearerMethod}']/saml:SubjectConfirmationData", ns) as XmlElement;
        var conditions = root.SelectSingleNode("saml:Conditions", ns) as XmlElement;
        var audiences = root.SelectNodes("saml:Conditions/saml:AudienceRestriction/saml:Audience", ns)!.Cast<XmlNode>().Select(n => n.InnerText.Trim()).ToList();
        var recipient = NullIfEmpty(confirmation?.GetAttribute("Recipient"));
        var signature = root.SelectSingleNode("ds:Signature", ns) as XmlElement;

        var claims = new JsonObject
        {
            ["id"] = NullIfEmpty(root.GetAttribute("ID")),
            ["issue_instant"] = NullIfEmpty(root.GetAttribute("IssueInstant")),
            ["issuer"] = issuer,
            ["name_id"] = nameId,
            ["recipient"] = recipient,
            ["subject_not_on_or_after"] = NullIfEmpty(confirmation?.GetAttribute("NotOnOrAfter")),
            ["not_before"] = NullIfEmpty(conditions?.GetAttribute("NotBefore")),
            ["not_on_or_after"] = NullIfEmpty(conditions?.GetAttribute("NotOnOrAfter")),
            ["audience"] = new JsonArray([.. audiences.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["signature_method"] = signature?.SelectSingleNode("ds:SignedInfo/ds:SignatureMethod/@Algorithm", ns)?.Value,
        };

        if (standardBase64)
        {
            findings.Add(Finding.Warn(
                FindingCodes.SamlStandardBase64,
                "The value is standard base64 ('+' or '/'); Salesforce expects base64url, and an unescaped '+' in a form body arrives as a space.",
                "Encode the assertion with base64url (RFC 4648 §5: '-' and '_', no line breaks) before form-encoding it."));
        }

        IdentityChecks.Issuer(issuer, "Issuer", context, findings);
        IdentityChecks.Subject(nameId, "NameID", FindingCodes.SamlNameIdMismatch, audiences.FirstOrDefault(), context, findings);
        CheckAudienceAndRecipient(audiences, recipient, confirmation is not null, context, findings);
        CheckTimes(confirmation, conditions, context.Now, findings);
        CheckSignature(document, root, signature, context, findings);
        return new ExplainResult("saml", claims, [.. findings.OrderByDescending(f => f.Severity)]);
    }

    private static void CheckAudienceAndRecipient(List<string> audiences, string? recipient, bool hasConfirmation, ExplainContext context, List<Finding> findings)
    {
        if (!hasConfirmation)
        {
            findings.Add(Finding.Error(
                FindingCodes.SamlRecipientMismatch,
                $"The Subject has no SubjectConfirmation with Method {BearerMethod} and SubjectConfirmationData.",
                "Add <saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"> with SubjectConfirmationData Recipient (the token endpoint) and NotOnOrAfter."));
        }

        if (context.LoginUrl is not { } login)
        {
            if (audiences.Count == 0)
            {
                findings.Add(Finding.Error(FindingCodes.SamlAudienceMismatch, "Conditions has no AudienceRestriction/Audience.", "Add the audience: https://login.salesforce.com, https://test.salesforce.com or the site URL."));
            }

            return;
        }

        var expectedAudience = ExplainRules.ExpectedAudience(login, context.Audience);
        var (expected, rule) = (expectedAudience.Value, expectedAudience.Rule);
        var origin = login.GetLeftPart(UriPartial.Authority);
        var tokenEndpoint = ExplainRules.TokenEndpoint(login).AbsoluteUri;

        // The official sample puts the token endpoint URL in Audience, so that form is accepted alongside the audience.
        var expectedTokenEndpoint = expected + TokenPath;
        if (!audiences.Any(a => Same(a, expected) || Same(a, expectedTokenEndpoint)))
        {
            findings.Add(Finding.Error(
                FindingCodes.SamlAudienceMismatch,
                $"Audience is {(audiences.Count == 0 ? "missing" : string.Join(", ", audiences.Select(a => $"'{a}'")))} but {origin} needs '{expected}' ({rule}); Salesforce answers invalid_grant / Audience validation failed.",
                $"Set Conditions/AudienceRestriction/Audience to {expected}."));
        }

        // Recipient is the token endpoint posted to; the shared login services also accept their public names.
        if (hasConfirmation && !(Same(recipient, tokenEndpoint) || Same(recipient, expectedTokenEndpoint)))
        {
            findings.Add(Finding.Error(
                FindingCodes.SamlRecipientMismatch,
                $"SubjectConfirmationData Recipient is {(recipient is null ? "missing" : $"'{recipient}'")} but the token endpoint is '{tokenEndpoint}'; Salesforce answers invalid_grant / invalid assertion.",
                $"Set Recipient to {tokenEndpoint}."));
        }
    }

    private static void CheckTimes(XmlElement? confirmation, XmlElement? conditions, DateTimeOffset now, List<Finding> findings)
    {
        const string Remedy = "Build a fresh assertion for each token request with NotOnOrAfter a few minutes ahead in UTC (xs:dateTime with Z), and check this machine's clock (NTP).";
        foreach (var (label, text) in new[] { ("SubjectConfirmationData NotOnOrAfter", confirmation?.GetAttribute("NotOnOrAfter")), ("Conditions NotOnOrAfter", conditions?.GetAttribute("NotOnOrAfter")) })
        {
            if (string.IsNullOrEmpty(text))
            {
                if (label.StartsWith("Subject", StringComparison.Ordinal) && confirmation is not null)
                {
                    findings.Add(Finding.Error(FindingCodes.SamlNotOnOrAfterPast, "SubjectConfirmationData has no NotOnOrAfter, which Salesforce requires.", Remedy));
                }

                continue;
            }

            if (!TryTime(text, out var end))
            {
                findings.Add(Finding.Error(FindingCodes.SamlNotOnOrAfterPast, $"{label} '{text}' is not an xs:dateTime.", Remedy));
            }
            else if (end <= now)
            {
                findings.Add(Finding.Error(
                    FindingCodes.SamlNotOnOrAfterPast,
                    $"{label} {Times.Format(end)} is {Times.Relative(end, now)} (now {Times.Format(now)}); Salesforce answers invalid_grant / expired authorization code.",
                    Remedy));
            }
        }

        var notBefore = conditions?.GetAttribute("NotBefore");
        if (!string.IsNullOrEmpty(notBefore) && TryTime(notBefore, out var start) && start > now)
        {
            findings.Add(Finding.Warn(
                FindingCodes.SamlNotBeforeFuture,
                $"Conditions NotBefore {Times.Format(start)} is {Times.Relative(start, now)}: the clock that built the assertion is ahead, and Salesforce refuses it until then.",
                "Synchronise the clocks with NTP; set NotBefore to the time the assertion is built (or a minute earlier)."));
        }
    }

    private static void CheckSignature(XmlDocument document, XmlElement root, XmlElement? signature, ExplainContext context, List<Finding> findings)
    {
        if (signature is null)
        {
            findings.Add(Finding.Error(
                FindingCodes.SamlUnsigned,
                "The Assertion carries no enveloped <ds:Signature>; Salesforce answers invalid_grant / invalid assertion.",
                "Sign the Assertion element (enveloped XML-DSig, RSA-SHA256, exclusive C14N, Reference URI=\"#<Assertion ID>\") with the key of the certificate uploaded to the app, and place the Signature right after Issuer."));
            return;
        }

        if (context.Certificate is not { } certificate)
        {
            findings.Add(Finding.Info(FindingCodes.SignatureNotChecked, "The signature was not checked.", "Pass --certificate with the certificate uploaded to the app to check it."));
            return;
        }

        using var key = certificate.GetRSAPublicKey();
        var name = JwtExplainer.CertificateName(certificate);
        var signedXml = new SignedXml(root);
        try
        {
            signedXml.LoadXml(signature);
            var id = root.GetAttribute("ID");
            if (key is null || signedXml.SignedInfo is not { } info || info.References.Count != 1 || info.References[0] is not Reference reference || reference.Uri != "#" + id)
            {
                findings.Add(Finding.Error(
                    FindingCodes.SignatureInvalid,
                    key is null ? $"{name} has no RSA public key." : $"The signature does not cover exactly the Assertion (one Reference with URI #{id}).",
                    "Sign the Assertion element itself: one Reference whose URI is #<the Assertion's ID>, enveloped-signature and exclusive C14N transforms."));
                return;
            }

            if (signedXml.CheckSignature(key))
            {
                return;
            }

            // Which part failed: the SignedInfo signature (another key) or the digest (the assertion changed after signing).
            var signedInfo = signedXml.SignedInfo.GetXml();
            var canonical = info.CanonicalizationMethodObject;
            var signedInfoDocument = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
            signedInfoDocument.AppendChild(signedInfoDocument.ImportNode(signedInfo, true));
            canonical.LoadInput(signedInfoDocument);
            var signedInfoBytes = ((Stream)canonical.GetOutput(typeof(Stream))).ToArrayAndDispose();
            var hash = info.SignatureMethod == "http://www.w3.org/2000/09/xmldsig#rsa-sha1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
            var otherKey = signedXml.SignatureValue is not { } value || !key.VerifyData(signedInfoBytes, value, hash, RSASignaturePadding.Pkcs1);
            findings.Add(otherKey
                ? Finding.Error(
                    FindingCodes.CertificateMismatch,
                    $"The XML signature does not verify with {name}: the assertion was signed with another key. Salesforce answers invalid_grant / invalid assertion.",
                    "Sign with the private key that matches the certificate uploaded to the app, or upload the certificate of the key you sign with.")
                : Finding.Error(
                    FindingCodes.SignatureInvalid,
                    $"The signature was made by the key of {name}, but the digest of the Assertion does not match: it was changed after signing (whitespace, re-serialisation, attribute order).",
                    "Serialise the signed document exactly as signed (keep PreserveWhitespace the same when signing and writing), and encode those bytes."));
        }
        catch (CryptographicException ex)
        {
            findings.Add(Finding.Error(FindingCodes.SignatureInvalid, $"The signature cannot be checked: {ex.Message}", "Use an enveloped RSA-SHA256 (or RSA-SHA1) XML signature with exclusive C14N."));
        }
    }

    private static bool Same(string? a, string b) => a is not null && string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool TryTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>Safe parsing: no DTDs, no external resolution.</summary>
    private static XmlDocument? Load(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document.Load(reader);
            return document;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static byte[] ToArrayAndDispose(this Stream stream)
    {
        using (stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
