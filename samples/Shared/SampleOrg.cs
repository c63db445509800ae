using SalesforceAuth.Testing;

namespace SalesforceAuth.Samples;

/// <summary>
/// The org a sample talks to: a real one (or <c>sfauth emulator</c>) when <c>SF_LOGIN_URL</c>, <c>SF_CLIENT_ID</c>,
/// <c>SF_USERNAME</c> and <c>SF_PRIVATE_KEY</c> are set; when none is, <see cref="FakeSalesforce"/> on loopback with a
/// throwaway key and certificate, an org, a user and a connected app that pre-authorizes the user; when only some are,
/// a <see cref="SalesforceConfigurationException"/> naming the missing ones.
/// </summary>
public sealed class SampleOrg : IAsyncDisposable
{
    private static readonly string[] RequiredVariables = ["SF_LOGIN_URL", "SF_CLIENT_ID", "SF_USERNAME", "SF_PRIVATE_KEY"];

    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["SF_LOGIN_URL"] = "https://login.salesforce.com, https://test.salesforce.com or your My Domain",
        ["SF_CLIENT_ID"] = "the connected app's consumer key",
        ["SF_USERNAME"] = "the user to act as",
        ["SF_PRIVATE_KEY"] = "the path of the key whose certificate is uploaded to the app",
    };

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

    /// <summary>
    /// Whether the environment names a real org (all of <c>SF_LOGIN_URL</c>, <c>SF_CLIENT_ID</c>, <c>SF_USERNAME</c> and
    /// <c>SF_PRIVATE_KEY</c> are set) or not (none is: the sample runs on the emulator).
    /// </summary>
    /// <exception cref="SalesforceConfigurationException">Only some are set: a half-configured org is a mistake to
    /// report, naming what is missing, not a reason to quietly run on the emulator instead.</exception>
    public static bool IsConfigured(IDictionary<string, string?> environment)
    {
        var missing = RequiredVariables.Where(n => Get(environment, n) is null).ToList();
        if (missing.Count == 0 || missing.Count == RequiredVariables.Length)
        {
            return missing.Count == 0;
        }

        var present = RequiredVariables.Except(missing).ToList();
        throw new SalesforceConfigurationException(
            missing[0],
            $"{List(missing)} {(missing.Count == 1 ? "is" : "are")} not set, but {List(present)} {(present.Count == 1 ? "is" : "are")}. " +
            $"Set {List(missing.Select(n => $"{n} ({Meanings[n]})"))} to use your org, or unset the SF_* variables to run on the built-in emulator.");
    }

    /// <summary>Whether <c>SF_ALLOW_INSECURE_LOOPBACK</c> is on (1, true, yes or on): http:// on loopback, for an emulator
    /// such as <c>sfauth emulator</c>.</summary>
    public static bool AllowsInsecureLoopback(IDictionary<string, string?> environment) =>
        Get(environment, "SF_ALLOW_INSECURE_LOOPBACK") is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) ||
            value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("on", StringComparison.OrdinalIgnoreCase));

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

        // Off unless asked for: only an emulator (sfauth emulator) on this machine speaks plain http.
        options.AllowInsecureLoopback = AllowsInsecureLoopback(_environment);
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

    private static string? Get(IDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>"A", "A and B", "A, B and C".</summary>
    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 1 ? list[0] : $"{string.Join(", ", list.SkipLast(1))} and {list[^1]}";
    }

    private string? Get(string name) => Get(_environment, name);
}
