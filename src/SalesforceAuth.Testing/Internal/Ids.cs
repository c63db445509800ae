using System.Security.Cryptography;
using System.Text;

namespace SalesforceAuth.Testing.Internal;

/// <summary>Realistic-looking Salesforce identifiers and secrets from a cryptographic random source.</summary>
internal static class Ids
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string ChecksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    public static string NewConsumerKey() => "3MVG9" + RandomString(Alphanumeric + "._", 80);

    public static string NewConsumerSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>An 18-character ID: key prefix, 12 random characters, then the case-safe checksum suffix.</summary>
    public static string NewRecordId(string keyPrefix)
    {
        var id15 = keyPrefix + "5g" + RandomString(Alphanumeric, 10);
        return id15 + Checksum(id15);
    }

    public static string NewAccessToken(string orgId) => orgId[..15] + "!AQ" + RandomString(Alphanumeric + "._", 96);

    public static string NewRefreshToken() => "5Aep861" + RandomString(Alphanumeric + "._", 80);

    public static string RandomString(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }

    // Salesforce's 18-character suffix: one character per 5-character chunk encoding which positions are upper case.
    private static string Checksum(string id15)
    {
        var suffix = new StringBuilder(3);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = 0;
            for (var i = 0; i < 5; i++)
            {
                if (char.IsAsciiLetterUpper(id15[(chunk * 5) + i]))
                {
                    bits |= 1 << i;
                }
            }

            suffix.Append(ChecksumAlphabet[bits]);
        }

        return suffix.ToString();
    }
}
