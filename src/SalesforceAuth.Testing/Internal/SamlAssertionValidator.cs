using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace SalesforceAuth.Testing.Internal;

/// <summary>Verifies a SAML 2.0 bearer assertion the way Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&amp;type=5; Salesforce Help "OAuth 2.0 Authorization Errors", https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm describe, in that order.</summary>
internal sealed class SamlAssertionValidator(FakeSalesforce owner)
{
    private const string SamlNamespace = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string DsigNamespace = SignedXml.XmlDsigNamespaceUrl;
    private const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    private static readonly HashSet<string> AllowedTransforms = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigEnvelopedSignatureTransformUrl,
        SignedXml.XmlDsigExcC14NTransformUrl,
        SignedXml.XmlDsigExcC14NWithCommentsTransformUrl,
    };

    private static readonly HashSet<string> AllowedSignatureMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigRSASHA256Url,
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    };

    public (FakeConnectedApp App, FakeUser User) Validate(Listener listener, string? assertion)
    {
        var invalid = OAuthFailure.InvalidGrant("invalid assertion");
        if (string.IsNullOrEmpty(assertion) || !Base64Url.TryDecode(assertion, owner.Options.AcceptStandardBase64SamlAssertion, out var xml))
        {
            throw invalid;
        }

        var document = Load(xml) ?? throw invalid;
        var root = document.DocumentElement;
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("saml", SamlNamespace);
        ns.AddNamespace("ds", DsigNamespace);
        if (root is null || root.LocalName != "Assertion" || root.NamespaceURI != SamlNamespace || root.GetAttribute("Version") != "2.0")
        {
            throw invalid;
        }

        var id = root.GetAttribute("ID");
        if (string.IsNullOrEmpty(id))
        {
            throw invalid;
        }

        // Issuer first: it names the app whose certificate verifies the signature.
        var issuer = root.SelectSingleNode("saml:Issuer", ns)?.InnerText.Trim();
        var app = owner.FindApp(issuer) ?? throw OAuthEndpoints.InvalidClientId();
        OAuthEndpoints.RequireFlow(app, FakeOAuthFlows.SamlBearer);
        if (!SignatureIsValid(document, root, id, app, ns))
        {
            throw invalid;
        }

        var audiences = root.SelectNodes("saml:Conditions/saml:AudienceRestriction/saml:Audience", ns)!.Cast<XmlNode>().Select(n => n.InnerText.Trim());
        if (!audiences.Any(a => OAuthEndpoints.AcceptsAudience(owner, listener, a)))
        {
            throw OAuthFailure.InvalidGrant(owner.Options.SamlAudienceErrorDescription);
        }

        var confirmation = root.SelectSingleNode($"saml:Subject/saml:SubjectConfirmation[@Method='{BearerMethod}']/saml:SubjectConfirmationData", ns) as XmlElement;
        var recipient = confirmation?.GetAttribute("Recipient");
        if (confirmation is null || !RecipientMatches(listener, recipient))
        {
            throw invalid;
        }

        var now = owner.UtcNow;
        var leeway = owner.Options.AssertionClockLeeway;
        var expired = OAuthFailure.InvalidGrant("expired authorization code");
        var conditions = root.SelectSingleNode("saml:Conditions", ns) as XmlElement;
        if (!TryTime(confirmation.GetAttribute("NotOnOrAfter"), out var confirmationEnd))
        {
            throw invalid;
        }

        if (confirmationEnd <= now - leeway)
        {
            throw expired;
        }

        if (conditions is not null)
        {
            var notBefore = conditions.GetAttribute("NotBefore");
            var notOnOrAfter = conditions.GetAttribute("NotOnOrAfter");
            if ((notBefore.Length > 0 && (!TryTime(notBefore, out var start) || start > now + leeway))
                || (notOnOrAfter.Length > 0 && (!TryTime(notOnOrAfter, out var end) || end <= now - leeway)))
            {
                throw expired;
            }
        }

        var user = owner.FindUser(root.SelectSingleNode("saml:Subject/saml:NameID", ns)?.InnerText.Trim());
        if (user is null || !OAuthEndpoints.Reaches(listener, user))
        {
            throw invalid;
        }

        if (!user.IsActive)
        {
            throw OAuthFailure.InvalidGrant("inactive user");
        }

        return (app, user);
    }

    /// <summary>Safe parsing: no DTDs, no external resolution (issue 5, "Safe XML everywhere").</summary>
    private static XmlDocument? Load(byte[] xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var stream = new MemoryStream(xml);
            using var reader = XmlReader.Create(stream, settings);
            document.Load(reader);
            return document;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static bool SignatureIsValid(XmlDocument document, XmlElement root, string id, FakeConnectedApp app, XmlNamespaceManager ns)
    {
        if (app.Certificate is null)
        {
            return false;
        }

        // Exactly one element may carry this ID, or a wrapped copy could be what the reference really points at.
        var withId = document.SelectNodes($"//*[@ID='{id.Replace("'", "", StringComparison.Ordinal)}']")!;
        var signatures = root.SelectNodes("ds:Signature", ns)!;
        if (withId.Count != 1 || withId[0] != root || signatures.Count != 1 || document.GetElementsByTagName("Signature", DsigNamespace).Count != 1)
        {
            return false;
        }

        try
        {
            var signedXml = new SignedXml(root);
            signedXml.LoadXml((XmlElement)signatures[0]!);
            if (signedXml.SignedInfo is not { } info || info.References.Count != 1 || !AllowedSignatureMethods.Contains(info.SignatureMethod ?? "")
                || info.References[0] is not Reference reference || reference.Uri != "#" + id)
            {
                return false;
            }

            var transforms = Enumerable.Range(0, reference.TransformChain.Count).Select(i => reference.TransformChain[i].Algorithm ?? "").ToList();
            if (!transforms.Contains(SignedXml.XmlDsigEnvelopedSignatureTransformUrl) || transforms.Any(t => !AllowedTransforms.Contains(t)))
            {
                return false;
            }

            using var key = app.Certificate.GetRSAPublicKey();
            return key is not null && signedXml.CheckSignature(key);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static bool RecipientMatches(Listener listener, string? recipient)
    {
        if (string.IsNullOrEmpty(recipient))
        {
            return false;
        }

        // The token endpoint of the host posted to; the login services also accept their public names (Salesforce Help "OAuth 2.0 SAML Bearer Assertion Flow for Previously Authorized Apps", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_SAML_bearer_flow.htm&type=5).
        return recipient == listener.TokenUrl || listener.Kind switch
        {
            ListenerKind.Login => recipient == OAuthEndpoints.ProductionAudience + "/services/oauth2/token",
            ListenerKind.Sandbox => recipient == OAuthEndpoints.SandboxAudience + "/services/oauth2/token",
            _ => false,
        };
    }

    private static bool TryTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

}
