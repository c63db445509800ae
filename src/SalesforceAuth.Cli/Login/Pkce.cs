using System.Security.Cryptography;
using System.Text;

namespace SalesforceAuth.Cli.Login;

/// <summary>Proof Key for Code Exchange (RFC 7636) with S256, plus the <c>state</c> value: both random per login.</summary>
internal sealed class Pkce
{
    private Pkce(string verifier, string state)
    {
        Verifier = verifier;
        State = state;
        Challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }

    /// <summary>The secret kept by the tool and sent only with the code exchange.</summary>
    public string Verifier { get; }

    /// <summary>BASE64URL(SHA256(verifier)), sent in the authorization URL.</summary>
    public string Challenge { get; }

    /// <summary>Ties the callback to this login: a callback with another state is not ours.</summary>
    public string State { get; }

    /// <summary>32 random bytes give a 43-character verifier, the minimum length RFC 7636 allows and plenty of entropy.</summary>
    public static Pkce Create() => new(Base64Url(RandomNumberGenerator.GetBytes(32)), Base64Url(RandomNumberGenerator.GetBytes(16)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
