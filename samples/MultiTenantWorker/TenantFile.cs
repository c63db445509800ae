using System.Text.Json;
using SalesforceAuth;

namespace MultiTenantWorker;

/// <summary>
/// The tenants of the service, kept in a small JSON file that can be edited while the service runs. It is the
/// connection resolver: the library asks it once per tenant and caches the answer until the tenant is reloaded,
/// removed, or trimmed as idle.
/// </summary>
public sealed class TenantFile(string path) : ISalesforceConnectionResolver
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Path { get; } = path;

    public IReadOnlyDictionary<string, Tenant> Read()
    {
        using var stream = File.OpenRead(Path);
        var file = JsonSerializer.Deserialize<TenantsDocument>(stream, Json) ?? new TenantsDocument([]);
        return file.Tenants.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public void Write(IEnumerable<Tenant> tenants) =>
        File.WriteAllText(Path, JsonSerializer.Serialize(new TenantsDocument([.. tenants]), Json));

    public ValueTask<SalesforceConnectionSettings?> ResolveAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (!Read().TryGetValue(connectionId, out var tenant))
        {
            return ValueTask.FromResult<SalesforceConnectionSettings?>(null);
        }

        // JWT bearer as the org's integration user, on the org's My Domain (its own login host and audience).
        return ValueTask.FromResult<SalesforceConnectionSettings?>(new SalesforceConnectionSettings(new SalesforceClientOptions
        {
            Flow = SalesforceFlow.JwtBearer,
            LoginUrl = tenant.LoginUrl,
            ClientId = tenant.ClientId,
            Username = tenant.Username,
            PrivateKeyPath = tenant.PrivateKeyPath,
            AllowInsecureLoopback = tenant.AllowInsecureLoopback,
        }));
    }

    private sealed record TenantsDocument(List<Tenant> Tenants);
}
