namespace SalesforceAuth.Testing.Internal;

/// <summary>Strict base64url decoding (RFC 4648 §5): <c>+</c>, <c>/</c> and whitespace are refused unless allowed.</summary>
internal static class Base64Url
{
    public static bool TryDecode(string text, bool allowStandardAlphabet, out byte[] bytes)
    {
        bytes = [];
        var trimmed = text.TrimEnd('=');
        foreach (var c in trimmed)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || (allowStandardAlphabet && (c == '+' || c == '/'));
            if (!ok)
            {
                return false;
            }
        }

        if (trimmed.Length % 4 == 1)
        {
            return false;
        }

        var standard = trimmed.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        try
        {
            bytes = Convert.FromBase64String(standard);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
