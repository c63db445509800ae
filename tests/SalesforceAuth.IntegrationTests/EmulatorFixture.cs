using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Testing;

namespace SalesforceAuth.IntegrationTests;

/// <summary>
/// What every emulator-backed kit starts from: a <see cref="FakeSalesforce"/> on loopback with one production org
/// ("acme"), one user, one admin-approved connected app that pre-authorizes that user, one clock (a
/// <see cref="FakeTimeProvider"/>) shared with whatever the test points at the emulator, and a plain HTTP client without
/// redirects or cookies that trusts the emulator's certificate authority (and nothing else). The kits add their own helpers.
/// </summary>
internal abstract class EmulatorFixture : IAsyncDisposable
{
    /// <summary>Creates the fixture from a started emulator.</summary>
    /// <param name="setup">What <see cref="SetUpAsync"/> made.</param>
    protected EmulatorFixture(Setup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        (Fake, Time, Org, User, App) = setup;
        Http = new HttpClient(CreateHandler());
    }

    /// <summary>A whole second, so the emulator's one-second <c>Date</c> header carries the exact time.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public FakeSalesforce Fake { get; }

    public FakeTimeProvider Time { get; }

    public FakeOrg Org { get; }

    public FakeUser User { get; }

    public FakeConnectedApp App { get; }

    /// <summary>A plain client (no library) for raw requests and for checking tokens on pods directly.</summary>
    public HttpClient Http { get; }

    /// <summary>A primary handler that trusts the emulator's certificate authority only, without redirects or cookies.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = Fake.CreateHttpMessageHandler();
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        return handler;
    }

    /// <summary>Makes every HttpClient of <paramref name="services"/> (the library's back channel too) trust the emulator's
    /// certificate authority, as an application's test would.</summary>
    public void TrustEmulator(IServiceCollection services) => services.AddFakeSalesforceTrust(Fake);

    /// <summary>A GET with <paramref name="accessToken"/> in the <c>Authorization</c> header (none when null).</summary>
    public async Task<HttpResponseMessage> GetWithTokenAsync(Uri url, string? accessToken, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, accessToken);
        }

        return await Http.SendAsync(request, Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Fake.DisposeAsync();
    }

    /// <summary>Starts the emulator at <see cref="Start"/> and adds the org, the user and the app.</summary>
    /// <param name="keys">The key pair whose certificate the app holds.</param>
    /// <param name="runAsUser">Whether the app runs client credentials as the user.</param>
    /// <param name="configure">Emulator settings.</param>
    /// <returns>What the fixture is made from.</returns>
    protected static async Task<Setup> SetUpAsync(FakeSalesforceKeyPair keys, bool runAsUser, Action<FakeSalesforceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var time = new FakeTimeProvider(Start);
        var options = new FakeSalesforceOptions { TimeProvider = time };
        configure?.Invoke(options);
        var fake = await FakeSalesforce.StartAsync(options, Cancel);
        var org = fake.AddOrg("acme");
        var user = org.AddUser("integration@acme.com");
        var app = fake.AddConnectedApp(new FakeConnectedApp
        {
            Certificate = keys.PublicCertificate,
            PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            PreAuthorizedUsers = { user },
            RunAsUser = runAsUser ? user : null,
        });
        return new Setup(fake, time, org, user, app);
    }

    /// <summary>A started emulator and what was added to it.</summary>
    protected sealed record Setup(FakeSalesforce Fake, FakeTimeProvider Time, FakeOrg Org, FakeUser User, FakeConnectedApp App);
}
