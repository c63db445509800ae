using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using CsCheck;
using SalesforceAuth.Assertions;

namespace SalesforceAuth.Tests.Assertions;

public sealed class CanonicalXmlWriterTests
{
    private static readonly Gen<string> Values = Gen.OneOf<string>(
            "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\r\n", " ", "]]>", "&amp;", "a", "Z9", "é", "漢", "😀", "=", "#")
        .Array[0, 12]
        .Select(parts => string.Concat(parts));

    [Fact]
    public void Write_AnyTextAndAttributeValue_MatchesExclusiveC14NOfTheParsedDocumentAndRoundTrips()
    {
        Gen.Select(Values, Values).Sample((attribute, text) =>
        {
            using var writer = new CanonicalXmlWriter(16);
            writer.WriteRaw("<r a=\""u8);
            writer.WriteAttributeValue(attribute);
            writer.WriteRaw("\">"u8);
            writer.WriteText(text);
            writer.WriteRaw("</r>"u8);
            var written = Encoding.UTF8.GetString(writer.WrittenSpan);

            var document = SamlTestSupport.Parse(written);
            var transform = new XmlDsigExcC14NTransform();
            transform.LoadInput(document);
            using var output = (Stream)transform.GetOutput(typeof(Stream));
            var canonical = new StreamReader(output, new UTF8Encoding(false)).ReadToEnd();

            Assert.Equal(canonical, written);
            Assert.Equal(attribute, document.DocumentElement!.GetAttribute("a"));
            Assert.Equal(text, document.DocumentElement.InnerText);
        });
    }

    [Fact]
    public void WriteBase64_GrowsPastTheInitialCapacity_AndEncodesStandardBase64()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        using var writer = new CanonicalXmlWriter(16);

        writer.WriteRaw("x"u8);
        writer.WriteBase64(data);

        Assert.Equal("x" + Convert.ToBase64String(data), Encoding.ASCII.GetString(writer.WrittenSpan));
    }
}
