namespace MultiTenantWorker;

/// <summary>
/// One customer org in tenants.json. The ISV's packaged connected app is pre-authorized in each org; the service
/// signs a JWT for the org's integration user and sends it to the org's My Domain. The key is a reference (a file
/// path), never the key itself.
/// </summary>
public sealed record Tenant(string Id, Uri LoginUrl, string ClientId, string Username, string PrivateKeyPath, bool AllowInsecureLoopback = false);
