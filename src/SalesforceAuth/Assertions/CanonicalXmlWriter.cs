using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SalesforceAuth.Assertions;

/// <summary>
/// Writes UTF-8 XML that is already in canonical form (W3C C14N 1.0 §2.3, which exclusive C14N shares): explicit end
/// tags, attributes in the caller's (sorted) order, C14N escaping of text and attribute values, no whitespace. The
/// caller controls the structure, so what it writes is byte for byte what a verifier's exclusive canonicalisation of
/// the parsed text produces, and it can be digested and signed without building or reparsing a DOM.
/// The buffer is pooled and cleared when returned: it holds a signed assertion, which is a credential.
/// </summary>
internal sealed class CanonicalXmlWriter : IDisposable
{
    private static readonly SearchValues<char> TextSpecials = SearchValues.Create("&<>\r");
    private static readonly SearchValues<char> AttributeSpecials = SearchValues.Create("&<\"\t\n\r");

    private byte[] _buffer;

    /// <summary>Creates a writer with room for <paramref name="capacity"/> bytes (it grows when needed).</summary>
    /// <param name="capacity">The initial capacity.</param>
    public CanonicalXmlWriter(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    /// <summary>The number of bytes written.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>Appends raw bytes (markup the caller knows to be canonical).</summary>
    /// <param name="utf8">The bytes.</param>
    public void WriteRaw(scoped ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(GetSpan(utf8.Length));
        Length += utf8.Length;
    }

    /// <summary>Appends character data, escaped as C14N escapes text nodes.</summary>
    /// <param name="text">The text; it must only hold characters XML allows.</param>
    public void WriteText(string text) => WriteEscaped(text, attribute: false);

    /// <summary>Appends an attribute value (without quotes), escaped as C14N escapes attribute values.</summary>
    /// <param name="value">The value; it must only hold characters XML allows.</param>
    public void WriteAttributeValue(string value) => WriteEscaped(value, attribute: true);

    /// <summary>Appends the base64 (standard alphabet, no line breaks) of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to encode.</param>
    public void WriteBase64(scoped ReadOnlySpan<byte> data)
    {
        var destination = GetSpan(Base64.GetMaxEncodedToUtf8Length(data.Length));
        Base64.EncodeToUtf8(data, destination, out _, out var written);
        Length += written;
    }

    /// <summary>Returns the buffer to the pool, cleared.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private void WriteEscaped(string value, bool attribute)
    {
        var remaining = value.AsSpan();
        while (!remaining.IsEmpty)
        {
            // Text escapes & < > CR; attribute values escape & < " TAB LF CR (C14N 1.0 §2.3 / §1.1 "Processing model").
            var index = attribute ? remaining.IndexOfAny(AttributeSpecials) : remaining.IndexOfAny(TextSpecials);
            var plain = index < 0 ? remaining : remaining[..index];
            if (!plain.IsEmpty)
            {
                var destination = GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length));
                Length += Encoding.UTF8.GetBytes(plain, destination);
            }

            if (index < 0)
            {
                return;
            }

            WriteRaw(remaining[index] switch
            {
                '&' => "&amp;"u8,
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                '"' => "&quot;"u8,
                '\t' => "&#x9;"u8,
                '\n' => "&#xA;"u8,
                _ => "&#xD;"u8,
            });
            remaining = remaining[(index + 1)..];
        }
    }

    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - Length < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
            WrittenSpan.CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
            _buffer = larger;
        }

        return _buffer.AsSpan(Length);
    }

}
