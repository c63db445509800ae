using SalesforceAuth.Testing;

namespace MultiTenantWorker;

/// <summary>
/// FakeSalesforce with several customer orgs, each on its own pod and My Domain, and one packaged connected app
/// pre-authorized in each (the ISV setup); the tenants file lists them. Used when tenants.json lists no tenant.
/// </summary>
public sealed class Emulator : IAsyncDisposable
{
    private readonly FakeSalesforce _fake;
    private readonly FakeSalesforceKeyPair _keys;
    private readonly FakeConnectedApp _app;
    private readonly string _keyPath;

    private Emulator(FakeSalesforce fake, FakeSalesforceKeyPair keys, FakeConnectedApp app, string keyPath)
    {
        _fake = fake;
        _keys = keys;
        _app = app;
        _keyPath = keyPath;
    }

    public static async Task<Emulator> StartAsync(CancellationToken cancellationToken)
    {
        // Plain HTTP, like the other samples' emulator (samples/Shared/SampleOrg): tenants are plain settings
        // (AllowInsecureLoopback), the same shape a tenants file for real orgs has.
        var fake = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { UseHttps = false }, cancellationToken);
        var keys = FakeSalesforceCertificates.CreateKeyPair("CN=SalesforceAuth multi-tenant sample");
        var app = fake.AddConnectedApp(new FakeConnectedApp { Certificate = keys.PublicCertificate, PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized });

        // A throwaway key made for this run; a real service reads its key from a secret store.
        var keyPath = Path.Combine(Path.GetTempPath(), $"salesforceauth-sample-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(keyPath, keys.PrivateKeyPem, cancellationToken);
        return new Emulator(fake, keys, app, keyPath);
    }

    /// <summary>A customer org onboarded: the org, its integration user, the app pre-authorized for it.</summary>
    public Tenant AddCustomer(string name, string pod)
    {
        var org = _fake.AddOrg(name, pod: pod);
        var user = org.AddUser($"integration@{name}.example");
        _app.PreAuthorizedUsers.Add(user);
        return new Tenant(name, org.MyDomainUrl, _app.ConsumerKey, user.Username, _keyPath, AllowInsecureLoopback: true);
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_keyPath);
        _keys.Dispose();
        await _fake.DisposeAsync();
    }
}
