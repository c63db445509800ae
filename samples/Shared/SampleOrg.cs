using SalesforceAuth.Testing;

namespace SalesforceAuth.Samples;

/// <summary>
/// The org a sample talks to: a real one when <c>SF_LOGIN_URL</c>, <c>SF_CLIENT_ID</c>, <c>SF_USERNAME</c> and
/// <c>SF_PRIVATE_KEY</c> are set, otherwise <see cref="FakeSalesforce"/> on loopback with a throwaway key and
/// certificate, an org, a user and a connected app that pre-authorizes the user.
/// </summary>
public sealed class SampleOrg : IAsyncDisposable
{
    private static readonly string[] RequiredVariables = ["SF_LOGIN_URL", "SF_CLIENT_ID", "SF_USERNAME", "SF_PRIVATE_KEY"];

    private readonly IDictionary<string, string?> _environment;
    private readonly FakeSalesforceKeyPair? _keyPair;

    private SampleOrg(IDictionary<string, string?> environment, FakeSalesforce? emulator, FakeSalesforceKeyPair? keyPair, FakeOrg? org, FakeUser? user, FakeConnectedApp? app)
    {
        _environment = environment;
        Emulator = emulator;
        _keyPair = keyPair;
        Org = org;
        User = user;
        App = app;
    }

    /// <summary>The emulator, or <see langword="null"/> against a real org.</summary>
    public FakeSalesforce? Emulator { get; }

    /// <summary>The emulated org (on its pod), or <see langword="null"/> against a real org.</summary>
    public FakeOrg? Org { get; }

    /// <summary>The emulated user, or <see langword="null"/> against a real org.</summary>
    public FakeUser? User { get; }

    /// <summary>The emulated connected app, or <see langword="null"/> against a real org.</summary>
    public FakeConnectedApp? App { get; }

    public bool IsEmulated => Emulator is not null;

    /// <summary>Whether the SAML bearer flow can run (the emulator, or a real org with <c>SF_CERTIFICATE</c>).</summary>
    public bool CanUseSaml => IsEmulated || !string.IsNullOrEmpty(Get("SF_CERTIFICATE"));

    /// <summary>Whether the environment names a real org.</summary>
    public static bool IsConfigured(IDictionary<string, string?> environment) =>
        RequiredVariables.All(n => environment.TryGetValue(n, out var v) && !string.IsNullOrEmpty(v));

    /// <summary>Connects to the configured org, or starts the emulator and describes it on <paramref name="output"/>.</summary>
    public static async Task<SampleOrg> StartAsync(IDictionary<string, string?> environment, TextWriter output, CancellationToken cancellationToken)
    {
        if (IsConfigured(environment))
        {
            output.WriteLine($"Using the org configured by SF_* variables: {environment["SF_LOGIN_URL"]} as {environment["SF_USERNAME"]}.");
            return new SampleOrg(environment, null, null, null, null, null);
        }

        output.WriteLine("No org configured (SF_LOGIN_URL, SF_CLIENT_ID, SF_USERNAME, SF_PRIVATE_KEY): starting FakeSalesforce, a local emulator.");
        // Plain HTTP, opted into: each sample builds its HTTP clients its own way (and the Pub/Sub emulator speaks h2c),
        // and the code a sample shows must read the same against a real org; AllowInsecureLoopback below covers it.
        var emulator = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { UseHttps = false }, cancellationToken);
        try
        {
            var keyPair = FakeSalesforceCertificates.CreateKeyPair("CN=SalesforceAuth sample");
            var org = emulator.AddOrg("acme");
            var user = org.AddUser("integration@acme.example");
            var app = new FakeConnectedApp
            {
                Certificate = keyPair.PublicCertificate,
                PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            };
            app.PreAuthorizedUsers.Add(user);
            emulator.AddConnectedApp(app);
            output.WriteLine($"  login URL      {emulator.LoginUrl}");
            output.WriteLine($"  org            {org.Name} on pod {org.Pod} ({org.InstanceUrl})");
            output.WriteLine($"  connected app  {app.ConsumerKey[..12]}... with certificate {keyPair.PublicCertificate.Thumbprint}");
            output.WriteLine($"  user           {user.Username} (pre-authorized by the admin)");
            return new SampleOrg(environment, emulator, keyPair, org, user, app);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sets the connection settings for this org on <paramref name="options"/>.</summary>
    public void Configure(SalesforceClientOptions options, SalesforceFlow flow = SalesforceFlow.JwtBearer)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Flow = flow;
        if (Emulator is not null)
        {
            options.LoginUrl = Emulator.LoginUrl;
            options.ClientId = App!.ConsumerKey;
            options.Username = User!.Username;
            options.PrivateKeyPem = _keyPair!.PrivateKeyPem;
            options.CertificatePem = _keyPair.CertificatePem;

            // The emulator listens on http://127.0.0.1; real Salesforce is always https.
            options.AllowInsecureLoopback = true;
            return;
        }

        options.LoginUrl = new Uri(Get("SF_LOGIN_URL")!);
        options.ClientId = Get("SF_CLIENT_ID");
        options.Username = Get("SF_USERNAME");
        options.PrivateKeyPath = Get("SF_PRIVATE_KEY");
        options.PrivateKeyPassword = Get("SF_PRIVATE_KEY_PASSWORD");
        options.CertificatePath = Get("SF_CERTIFICATE");
        options.Audience = Get("SF_AUDIENCE");
    }

    /// <summary>A token for printing: the org id before '!' is not secret, the rest is.</summary>
    public static string Redact(string accessToken)
    {
        var bang = accessToken.IndexOf('!', StringComparison.Ordinal);
        return bang is > 0 and <= 18 ? $"{accessToken[..(bang + 1)]}[redacted]" : "[redacted]";
    }

    public async ValueTask DisposeAsync()
    {
        _keyPair?.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    private string? Get(string name) => _environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
