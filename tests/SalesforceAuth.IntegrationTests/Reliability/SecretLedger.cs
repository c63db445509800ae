using System.Collections.Concurrent;
using System.Text.Json;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Every secret a scenario handled: the private key's PEM body lines, the consumer secret, and each access token,
/// refresh token, response signature and assertion actually sent or received (recorded on the wire by
/// <see cref="WireRecorder"/>), so logs and exception texts can be searched for them.
/// </summary>
internal sealed class SecretLedger
{
    private const int MinimumSecretLength = 12;

    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private string[] _snapshot = [];

    public int Count => _secrets.Count;

    public IReadOnlyDictionary<string, int> CountByKind =>
        _secrets.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public void AddPrivateKeyPem(string pem)
    {
        foreach (var line in pem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("-----", StringComparison.Ordinal))
            {
                Add(line, "private key");
            }
        }
    }

    public void Add(string? value, string kind)
    {
        if (value is null || value.Length < MinimumSecretLength)
        {
            return;
        }

        if (_secrets.TryAdd(value, kind))
        {
            lock (_secrets)
            {
                _snapshot = [.. _secrets.Keys];
            }
        }

        // An access token's secret part follows the org id and '!' (observed); a JWS's part is its signature.
        var bang = value.IndexOf('!', StringComparison.Ordinal);
        if (kind is "access token" or "refresh token" && bang > 0)
        {
            Add(value[(bang + 1)..], kind);
        }

        var dot = value.LastIndexOf('.');
        if (kind == "assertion" && dot > 0)
        {
            Add(value[(dot + 1)..], "assertion signature");
        }
    }

    /// <summary>Records the secrets of a token endpoint JSON answer.</summary>
    public void AddFromTokenResponse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var (field, kind) in new[] { ("access_token", "access token"), ("refresh_token", "refresh token"), ("signature", "signature"), ("id_token", "id token") })
            {
                if (document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    Add(value.GetString(), kind);
                }
            }
        }
        catch (JsonException)
        {
        }
    }

    /// <summary>The kinds of the secrets found in <paramref name="text"/>.</summary>
    public IEnumerable<string> Find(string text)
    {
        foreach (var secret in Volatile.Read(ref _snapshot))
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                yield return _secrets[secret];
            }
        }
    }
}
