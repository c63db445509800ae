using System.Xml;
using System.Xml.Schema;

namespace SalesforceAuth.Tests.Assertions;

/// <summary>
/// The part of the SAML 2.0 assertion schema (saml-schema-assertion-2.0.xsd) and of the XML-DSig schema
/// (xmldsig-core-schema.xsd) that a Salesforce bearer assertion uses, written out here with the same element order,
/// types (xs:ID, xs:dateTime, xs:anyURI) and required attributes. Anything outside the subset fails validation.
/// </summary>
internal static class SamlSchemaSubset
{
    private const string AssertionXsd = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
                   xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
                   targetNamespace="urn:oasis:names:tc:SAML:2.0:assertion"
                   elementFormDefault="unqualified" attributeFormDefault="unqualified">
          <xs:import namespace="http://www.w3.org/2000/09/xmldsig#"/>
          <xs:complexType name="NameIDType">
            <xs:simpleContent>
              <xs:extension base="xs:string">
                <xs:attribute name="Format" type="xs:anyURI" use="optional"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
          <xs:element name="Issuer" type="saml:NameIDType"/>
          <xs:element name="NameID" type="saml:NameIDType"/>
          <xs:element name="Assertion">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:Issuer"/>
                <xs:element ref="ds:Signature" minOccurs="0"/>
                <xs:element ref="saml:Subject" minOccurs="0"/>
                <xs:element ref="saml:Conditions" minOccurs="0"/>
                <xs:element ref="saml:AuthnStatement" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="Version" type="xs:string" use="required"/>
              <xs:attribute name="ID" type="xs:ID" use="required"/>
              <xs:attribute name="IssueInstant" type="xs:dateTime" use="required"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="Subject">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:NameID"/>
                <xs:element ref="saml:SubjectConfirmation" maxOccurs="unbounded"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
          <xs:element name="SubjectConfirmation">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:SubjectConfirmationData" minOccurs="0"/>
              </xs:sequence>
              <xs:attribute name="Method" type="xs:anyURI" use="required"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="SubjectConfirmationData">
            <xs:complexType>
              <xs:attribute name="NotBefore" type="xs:dateTime" use="optional"/>
              <xs:attribute name="NotOnOrAfter" type="xs:dateTime" use="optional"/>
              <xs:attribute name="Recipient" type="xs:anyURI" use="optional"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="Conditions">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:AudienceRestriction" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <xs:attribute name="NotBefore" type="xs:dateTime" use="optional"/>
              <xs:attribute name="NotOnOrAfter" type="xs:dateTime" use="optional"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="AudienceRestriction">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:Audience" maxOccurs="unbounded"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
          <xs:element name="Audience" type="xs:anyURI"/>
          <xs:element name="AuthnStatement">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:AuthnContext"/>
              </xs:sequence>
              <xs:attribute name="AuthnInstant" type="xs:dateTime" use="required"/>
            </xs:complexType>
          </xs:element>
          <xs:element name="AuthnContext">
            <xs:complexType>
              <xs:sequence>
                <xs:element ref="saml:AuthnContextClassRef"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
          <xs:element name="AuthnContextClassRef" type="xs:anyURI"/>
        </xs:schema>
        """;

    private const string XmlDsigXsd = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
                   targetNamespace="http://www.w3.org/2000/09/xmldsig#"
                   elementFormDefault="qualified">
          <xs:complexType name="AlgorithmType">
            <xs:attribute name="Algorithm" type="xs:anyURI" use="required"/>
          </xs:complexType>
          <xs:element name="Signature">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="SignedInfo">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="CanonicalizationMethod" type="ds:AlgorithmType"/>
                      <xs:element name="SignatureMethod" type="ds:AlgorithmType"/>
                      <xs:element name="Reference">
                        <xs:complexType>
                          <xs:sequence>
                            <xs:element name="Transforms">
                              <xs:complexType>
                                <xs:sequence>
                                  <xs:element name="Transform" type="ds:AlgorithmType" maxOccurs="unbounded"/>
                                </xs:sequence>
                              </xs:complexType>
                            </xs:element>
                            <xs:element name="DigestMethod" type="ds:AlgorithmType"/>
                            <xs:element name="DigestValue" type="xs:base64Binary"/>
                          </xs:sequence>
                          <xs:attribute name="URI" type="xs:anyURI" use="required"/>
                        </xs:complexType>
                      </xs:element>
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
                <xs:element name="SignatureValue" type="xs:base64Binary"/>
                <xs:element name="KeyInfo">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="X509Data">
                        <xs:complexType>
                          <xs:sequence>
                            <xs:element name="X509Certificate" type="xs:base64Binary"/>
                          </xs:sequence>
                        </xs:complexType>
                      </xs:element>
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """;

    /// <summary>Validates <paramref name="xml"/>; returns every error and warning (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(string xml)
    {
        var readerSettings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        var schemas = new XmlSchemaSet { XmlResolver = null };
        schemas.Add(XmlSchema.Read(XmlReader.Create(new StringReader(XmlDsigXsd), readerSettings), null)!);
        schemas.Add(XmlSchema.Read(XmlReader.Create(new StringReader(AssertionXsd), readerSettings), null)!);
        schemas.Compile();

        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return problems;
    }
}
