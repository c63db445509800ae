namespace SalesforceAuth.Testing.Internal;

/// <summary>Keeps credentials out of the request log (observed).</summary>
internal static class Redaction
{
    private static readonly HashSet<string> SecretParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "assertion", "client_secret", "refresh_token", "access_token", "token", "subject_token", "actor_token", "id_token",
        "code", "code_verifier", "password", "signature",
    };

    public static IReadOnlyDictionary<string, string> Redact(Dictionary<string, string> parameters)
    {
        var redacted = new Dictionary<string, string>(parameters.Count, StringComparer.Ordinal);
        foreach (var pair in parameters)
        {
            redacted[pair.Key] = SecretParameters.Contains(pair.Key) ? "***" : pair.Value;
        }

        return redacted;
    }
}
