using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using SalesforceAuth.Testing.Internal;

namespace SalesforceAuth.Testing;

/// <summary>
/// A local, in-process emulator of Salesforce's OAuth 2.0 endpoints and REST API pods over real loopback sockets.
/// Each emulated host is its own Kestrel listener on a free <c>127.0.0.1</c> port: the shared login service
/// (<see cref="LoginUrl"/>), the sandbox login service (<see cref="SandboxLoginUrl"/>), every org's My Domain and every
/// pod. Start it with <see cref="StartAsync"/>, add orgs, users and connected apps, and point the code under test at it.
/// </summary>
/// <remarks>
/// Every host speaks HTTPS with a certificate issued by a certificate authority the emulator creates at start and keeps
/// in memory (<see cref="CertificateAuthority"/>). Clients trust it through <see cref="CreateHttpMessageHandler"/> or
/// <c>services.AddFakeSalesforceTrust(salesforce)</c>, so the code under test keeps its production settings (no
/// <c>AllowInsecureLoopback</c>) except the login URL. Set <see cref="FakeSalesforceOptions.UseHttps"/> to
/// <see langword="false"/> for plain HTTP.
/// </remarks>
public sealed class FakeSalesforce : IAsyncDisposable
{
    private const int MaxApprovalsPerUserAndApp = 5;
    private const int MaxLogEntries = 10_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, Listener> _pods = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<FakeOrg, Listener> _myDomains = [];

    // Request handling looks orgs and users up by key, never by scanning: thousands of orgs and users (an ISV's
    // customers) cost each request what one does.
    private readonly Dictionary<string, FakeOrg> _myDomainOrigins = new(StringComparer.Ordinal);
    private readonly List<FakeOrg> _orgs = [];
    private readonly Dictionary<string, FakeOrg> _orgsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Listener> _sites = [];
    private readonly Dictionary<string, FakeUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FakeUser> _usersById = new(StringComparer.Ordinal);
    private readonly Dictionary<FakeOrg, List<FakeUser>> _usersByOrg = [];
    private readonly Dictionary<string, FakeConnectedApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<(FakeConnectedApp App, FakeUser User), List<RefreshChain>> _approvals = [];
    private readonly Queue<FakeFault> _tokenFaults = new();
    private readonly Queue<FakeFault> _apiFaults = new();
    private readonly Dictionary<(string GrantType, string Outcome), int> _tokenCounts = [];
    private readonly Dictionary<(string Pod, int StatusCode), int> _apiCounts = [];
    private readonly Queue<FakeRequestLogEntry> _log = new();
    private readonly OAuthEndpoints _oauth;
    private readonly RestApi _rest;
    private readonly TlsAuthority? _tls;
    private Listener _login = null!;
    private Listener _sandbox = null!;
    private TimeSpan _clockOffset;
    private TimeSpan _sessionLifetime;
    private bool _disposed;

    private FakeSalesforce(FakeSalesforceOptions options)
    {
        Options = options;
        _sessionLifetime = options.SessionLifetime;
        _oauth = new OAuthEndpoints(this);
        _rest = new RestApi(this);
        _tls = options.UseHttps ? TlsAuthority.Create() : null;
    }

    /// <summary>Raised when a request arrives, before any fault or validation, with its redacted log entry (whose outcome
    /// properties are filled in later). Handlers run on the request's thread and must not block.</summary>
    public event EventHandler<FakeRequestLogEntry>? RequestReceived;

    /// <summary>Raised after each request is answered (on the request's thread), with its redacted log entry.</summary>
    public event EventHandler<FakeRequestLogEntry>? RequestCompleted;

    /// <summary>The shared production login service (stands in for <c>https://login.salesforce.com</c>; JWT audience
    /// <c>https://login.salesforce.com</c> or a production org's My Domain URL).</summary>
    public Uri LoginUrl => _login.BaseUrl;

    /// <summary>The shared sandbox login service (stands in for <c>https://test.salesforce.com</c>; JWT audience
    /// <c>https://test.salesforce.com</c> or a sandbox's My Domain URL).</summary>
    public Uri SandboxLoginUrl => _sandbox.BaseUrl;

    /// <summary>
    /// The root certificate (public part) of the certificate authority this instance created at start, which issued the
    /// certificate of every host it serves (for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c>, valid for 7 days);
    /// <see langword="null"/> with <see cref="FakeSalesforceOptions.UseHttps"/> off. Trust it only where the code under
    /// test talks to this emulator, as <see cref="CreateHttpMessageHandler"/> does; never add it to a machine's store.
    /// </summary>
    public X509Certificate2? CertificateAuthority => _tls?.Root;

    /// <summary>The emulator's current time: <see cref="FakeSalesforceOptions.TimeProvider"/> plus <see cref="ClockOffset"/>.
    /// It validates assertions, expires sessions and fills the <c>Date</c> response header.</summary>
    public DateTimeOffset UtcNow => Options.TimeProvider.GetUtcNow() + ClockOffset;

    /// <summary>How far the emulator's clock is ahead of (positive) or behind (negative) its time provider: simulates a
    /// client whose clock is skewed against Salesforce's.</summary>
    public TimeSpan ClockOffset
    {
        get { lock (_gate) { return _clockOffset; } }
        set { lock (_gate) { _clockOffset = value; } }
    }

    /// <summary>How long a session lives without activity (REST calls are activity). Applies to existing sessions too.</summary>
    public TimeSpan SessionLifetime
    {
        get { lock (_gate) { return _sessionLifetime; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            lock (_gate) { _sessionLifetime = value; }
        }
    }

    /// <summary>
    /// A hook awaited in the middle of every successful-so-far grant (for a refresh: while its refresh token is marked in
    /// flight), with the <c>grant_type</c>. Use it to hold a request open, for example to make a second refresh with the same
    /// token overlap deterministically and get <c>token request is already being processed</c>.
    /// </summary>
    public Func<string, CancellationToken, Task>? GrantProcessing { get; set; }

    /// <summary>
    /// The user signed in to the emulated browser at <c>/services/oauth2/authorize</c> (the authorization code flow), or
    /// <see langword="null"/> for nobody: the endpoint then answers with its login page and nothing is approved.
    /// </summary>
    public FakeUser? AuthorizingUser { get; set; }

    /// <summary>Whether <see cref="AuthorizingUser"/> clicks Allow on the approval page (default <see langword="true"/>);
    /// <see langword="false"/> redirects to the callback with <c>error=access_denied</c>.</summary>
    public bool ApproveAuthorization { get; set; } = true;

    /// <summary>The orgs added so far.</summary>
    public IReadOnlyList<FakeOrg> Orgs
    {
        get { lock (_gate) { return [.. _orgs]; } }
    }

    /// <summary>The connected apps registered so far.</summary>
    public IReadOnlyList<FakeConnectedApp> ConnectedApps
    {
        get { lock (_gate) { return [.. _apps.Values]; } }
    }

    /// <summary>A snapshot of the counters: token requests by grant and outcome, API calls by pod and status.</summary>
    public FakeSalesforceCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return new FakeSalesforceCounters(new Dictionary<(string, string), int>(_tokenCounts), new Dictionary<(string, int), int>(_apiCounts));
            }
        }
    }

    /// <summary>A snapshot of the request log (the last 10,000 requests), secrets redacted.</summary>
    public IReadOnlyList<FakeRequestLogEntry> RequestLog
    {
        get { lock (_gate) { return [.. _log]; } }
    }

    internal FakeSalesforceOptions Options { get; }

    internal object Gate => _gate;

    internal Dictionary<string, AccessTokenRecord> AccessTokens { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, RefreshTokenRecord> RefreshTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the login and sandbox login listeners and the pods of <see cref="FakeSalesforceOptions.Pods"/>.</summary>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop every listener.</returns>
    /// <example>
    /// <code>
    /// await using var salesforce = await FakeSalesforce.StartAsync();
    /// using var keys = FakeSalesforceCertificates.CreateKeyPair();
    /// var org = salesforce.AddOrg("acme");
    /// var user = org.AddUser("integration@acme.example");
    /// var app = salesforce.AddConnectedApp(new FakeConnectedApp
    /// {
    ///     Certificate = keys.PublicCertificate,
    ///     PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
    /// });
    /// app.PreAuthorizedUsers.Add(user);
    /// // Point the code under test at salesforce.LoginUrl, and trust the emulator: services.AddFakeSalesforceTrust(salesforce).
    /// </code>
    /// </example>
    public static async Task<FakeSalesforce> StartAsync(FakeSalesforceOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fake = new FakeSalesforce(options ?? new FakeSalesforceOptions());
        try
        {
            fake._login = await Listener.StartAsync(ListenerKind.Login, "login", null, fake._tls?.ServerCertificate, fake.HandleAsync, fake.Options.LoginPort, cancellationToken).ConfigureAwait(false);
            fake._sandbox = await Listener.StartAsync(ListenerKind.Sandbox, "sandbox", null, fake._tls?.ServerCertificate, fake.HandleAsync, 0, cancellationToken).ConfigureAwait(false);
            foreach (var pod in fake.Options.Pods.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                fake._pods[pod] = await Listener.StartAsync(ListenerKind.Pod, "pod:" + pod, pod, fake._tls?.ServerCertificate, fake.HandleAsync, 0, cancellationToken).ConfigureAwait(false);
            }

            return fake;
        }
        catch
        {
            await fake.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates a primary handler for clients of this emulator that trusts <see cref="CertificateAuthority"/> and nothing
    /// else (not the machine's store: a certificate from any other issuer, including another emulator instance, fails the
    /// TLS handshake). Each call returns a new handler, as <c>ConfigurePrimaryHttpMessageHandler</c> expects. With
    /// <see cref="FakeSalesforceOptions.UseHttps"/> off it is a plain handler.
    /// </summary>
    /// <returns>A new handler; the caller (or <c>IHttpClientFactory</c>) owns it.</returns>
    /// <remarks>For every client of an <c>IServiceCollection</c>, including those a library registers with a primary
    /// handler of its own, use <c>services.AddFakeSalesforceTrust(salesforce)</c> instead.</remarks>
    /// <example>
    /// <code>
    /// using var http = new HttpClient(salesforce.CreateHttpMessageHandler());
    /// </code>
    /// </example>
    public SocketsHttpHandler CreateHttpMessageHandler() => _tls?.CreateHandler() ?? new SocketsHttpHandler();

    /// <summary>Makes <paramref name="handler"/> (or the handler under it) trust <see cref="CertificateAuthority"/> only;
    /// nothing with <see cref="FakeSalesforceOptions.UseHttps"/> off.</summary>
    internal void Trust(HttpMessageHandler? handler) => _tls?.Trust(handler);

    /// <summary>
    /// Adds an org living on <paramref name="pod"/> (started if new). Its My Domain listener starts the first time its
    /// <see cref="FakeOrg.MyDomainUrl"/> is read (no client can name a My Domain before), so thousands of orgs cost no
    /// listener each.
    /// </summary>
    /// <param name="name">The My Domain name, for example <c>acme</c>; unique.</param>
    /// <param name="sandbox">Whether the org is a sandbox (its users log in through <see cref="SandboxLoginUrl"/>).</param>
    /// <param name="pod">The pod the org lives on, for example <c>na1</c>.</param>
    /// <returns>The org.</returns>
    public FakeOrg AddOrg(string name, bool sandbox = false, string pod = "na1")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsurePod(pod);
        var org = new FakeOrg(this, name, Ids.NewRecordId("00D"), sandbox, pod);
        lock (_gate)
        {
            if (!_orgsByName.TryAdd(name, org))
            {
                throw new InvalidOperationException($"An org named '{name}' already exists.");
            }

            _orgs.Add(org);
            _usersByOrg[org] = [];
        }

        return org;
    }

    /// <summary>The My Domain URL of an org, starting its listener on first use.</summary>
    internal Uri EnsureMyDomain(FakeOrg org)
    {
        lock (_gate)
        {
            if (_myDomains.TryGetValue(org, out var existing))
            {
                return existing.BaseUrl;
            }
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var listener = StartBlocking(ListenerKind.MyDomain, "mydomain:" + org.Name, null);
        listener.AttachOrg(org);
        lock (_gate)
        {
            if (_myDomains.TryGetValue(org, out var raced))
            {
                _ = listener.DisposeAsync().AsTask();
                return raced.BaseUrl;
            }

            _myDomains[org] = listener;
            _myDomainOrigins[listener.Origin] = org;
            return listener.BaseUrl;
        }
    }

    internal FakeSite AddSite(FakeOrg org, string pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var prefix = pathPrefix.Trim('/');
        if (prefix.Length > 0 && (prefix.Contains('/', StringComparison.Ordinal) || Uri.EscapeDataString(prefix) != prefix))
        {
            throw new ArgumentException("The path prefix is one URL segment of unreserved characters, for example \"customers\".", nameof(pathPrefix));
        }

        var listener = StartBlocking(ListenerKind.Site, $"site:{org.Name}/{prefix}", null);
        var site = new FakeSite(org, prefix.Length == 0 ? string.Empty : "/" + prefix, new Uri(listener.Origin + (prefix.Length == 0 ? "/" : "/" + prefix)), Ids.NewRecordId("0DB"));
        listener.AttachSite(site);
        lock (_gate)
        {
            _sites.Add(listener);
        }

        return site;
    }

    /// <summary>Registers a connected app (or External Client App).</summary>
    /// <param name="app">The app; its <see cref="FakeConnectedApp.ConsumerKey"/> must be unique.</param>
    /// <returns>The same app, for chaining.</returns>
    public FakeConnectedApp AddConnectedApp(FakeConnectedApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        lock (_gate)
        {
            if (!_apps.TryAdd(app.ConsumerKey, app))
            {
                throw new InvalidOperationException("A connected app with this consumer key already exists.");
            }
        }

        return app;
    }

    /// <summary>The base URL of a pod, starting its listener if needed.</summary>
    /// <param name="pod">The pod name, for example <c>eu2</c>.</param>
    /// <returns>The pod's base URL.</returns>
    public Uri GetPodUrl(string pod)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        return EnsurePod(pod).BaseUrl;
    }

    /// <summary>
    /// Moves an org to another pod (started if new): the next grants return the new <c>instance_url</c>, and every session
    /// issued before the move is answered <c>INVALID_SESSION_ID</c> on every pod (Salesforce Help on My Domain and enhanced domains, https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&amp;type=5).
    /// </summary>
    /// <param name="org">The org.</param>
    /// <param name="pod">The new pod.</param>
    public void MoveOrg(FakeOrg org, string pod)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        EnsurePod(pod);
        lock (_gate)
        {
            org.Pod = pod;
        }
    }

    /// <summary>
    /// Simulates the user approving the app in an interactive flow that issued a refresh token (the app's scopes must include
    /// <c>refresh_token</c> or <c>offline_access</c>). This is the approval that self-authorized bearer flows need
    /// (Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&amp;type=5); a user holds at most 5 per app, and a 6th revokes the oldest (Salesforce Help on approving connected apps (the per-user token limit), https://help.salesforce.com/s/articleView?id=platform.remoteaccess_request_approve.htm&amp;type=5).
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="user">The user.</param>
    /// <returns>The refresh token.</returns>
    public string IssueRefreshToken(FakeConnectedApp app, FakeUser user)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(user);
        if (!HasOfflineScope(app.Scopes))
        {
            throw new InvalidOperationException("Salesforce issues a refresh token only when the app's scopes include refresh_token or offline_access.");
        }

        lock (_gate)
        {
            var now = UtcNow;
            return AddRefreshToken(Approve(app, user, now), now).Token;
        }
    }

    /// <summary>Records a new approval of <paramref name="app"/> by <paramref name="user"/>, revoking the oldest beyond 5
    /// (Salesforce Help on approving connected apps (the per-user token limit), https://help.salesforce.com/s/articleView?id=platform.remoteaccess_request_approve.htm&amp;type=5). Caller holds the gate.</summary>
    internal RefreshChain Approve(FakeConnectedApp app, FakeUser user, DateTimeOffset now)
    {
        var chain = new RefreshChain(app, user, now);
        if (!_approvals.TryGetValue((app, user), out var chains))
        {
            chains = [];
            _approvals[(app, user)] = chains;
        }

        chains.RemoveAll(c => c.Revoked);
        chains.Add(chain);
        while (chains.Count > MaxApprovalsPerUserAndApp)
        {
            chains[0].Revoke();
            chains.RemoveAt(0);
        }

        return chain;
    }

    /// <summary>
    /// Checks an access token as Salesforce's APIs do, for an emulator of a further Salesforce API running beside this
    /// one (FakePubSub of SalesforceAuth.Testing.Grpc is one): the token was issued here, is not revoked, has not been
    /// idle longer than <see cref="SessionLifetime"/>, and its org is still on the pod that issued it. A session that
    /// passes counts as used, as with any API call (its idle time starts again).
    /// </summary>
    /// <param name="accessToken">The access token the client sent.</param>
    /// <param name="user">The session's user, when the session is valid.</param>
    /// <param name="instanceUrl">The session's instance (its pod's URL), when the session is valid.</param>
    /// <returns><see langword="true"/> when the session is valid; <see langword="false"/> where Salesforce answers <c>INVALID_SESSION_ID</c>.</returns>
    public bool TryUseSession(string accessToken, [NotNullWhen(true)] out FakeUser? user, [NotNullWhen(true)] out Uri? instanceUrl)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        string pod;
        lock (_gate)
        {
            var now = UtcNow;
            if (!AccessTokens.TryGetValue(accessToken, out var access) || !IsSessionValid(access, now) || access.Org.Pod != access.Pod)
            {
                user = null;
                instanceUrl = null;
                return false;
            }

            access.LastActivity = now;
            user = access.User;
            pod = access.Pod;
        }

        instanceUrl = GetPodUrl(pod);
        return true;
    }

    /// <summary>Ends every session issued so far (refresh tokens stay valid), like an admin removing all sessions.</summary>
    public void RevokeAllSessions()
    {
        lock (_gate)
        {
            foreach (var token in AccessTokens.Values)
            {
                token.Revoked = true;
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests to <c>/services/oauth2/token</c> (on any host) with
    /// <paramref name="fault"/>. Faults queue up in order.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many requests it applies to.</param>
    public void InjectTokenFault(FakeFault fault, int count = 1) => Enqueue(_tokenFaults, fault, count);

    /// <summary>Answers the next <paramref name="count"/> REST API requests (on any pod) with <paramref name="fault"/>.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many requests it applies to.</param>
    public void InjectApiFault(FakeFault fault, int count = 1) => Enqueue(_apiFaults, fault, count);

    /// <summary>Removes every fault not yet used.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _tokenFaults.Clear();
            _apiFaults.Clear();
        }
    }

    /// <summary>Stops every listener.</summary>
    /// <returns>A task that completes when they are stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        List<Listener> listeners;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listeners = [.. new[] { _login, _sandbox }.Where(l => l is not null), .. _myDomains.Values, .. _pods.Values, .. _sites];
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _tls?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"FakeSalesforce {LoginUrl}";

    internal static bool HasOfflineScope(string scopes) =>
        scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s is "refresh_token" or "offline_access");

    internal IReadOnlyList<FakeUser> GetUsers(FakeOrg org)
    {
        lock (_gate)
        {
            return [.. _usersByOrg[org]];
        }
    }

    internal FakeUser? FindUserById(FakeOrg org, string userId)
    {
        lock (_gate)
        {
            return _usersById.TryGetValue(userId, out var user) && user.Org == org ? user : null;
        }
    }

    internal FakeUser AddUser(FakeOrg org, string username, bool active)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        lock (_gate)
        {
            var user = new FakeUser(org, username, Ids.NewRecordId("005"), active);
            if (!_users.TryAdd(username, user))
            {
                throw new InvalidOperationException($"The username '{username}' is taken; Salesforce usernames are unique across orgs.");
            }

            _usersById[user.UserId] = user;
            _usersByOrg[org].Add(user);
            return user;
        }
    }

    internal FakeConnectedApp? FindApp(string? consumerKey)
    {
        if (string.IsNullOrEmpty(consumerKey))
        {
            return null;
        }

        lock (_gate)
        {
            return _apps.GetValueOrDefault(consumerKey);
        }
    }

    internal FakeUser? FindUser(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return null;
        }

        lock (_gate)
        {
            return _users.GetValueOrDefault(username);
        }
    }

    /// <summary>Whether the user holds an unrevoked approval that issued a refresh token. Caller holds the gate.</summary>
    internal bool HasApproval(FakeConnectedApp app, FakeUser user) =>
        _approvals.TryGetValue((app, user), out var chains) && chains.Any(c => !c.Revoked);

    /// <summary>Whether <paramref name="origin"/> is the My Domain of a production org or a sandbox (by <paramref name="sandbox"/>).</summary>
    internal bool IsMyDomainOrigin(string origin, bool sandbox)
    {
        lock (_gate)
        {
            return _myDomainOrigins.TryGetValue(origin, out var org) && org.IsSandbox == sandbox;
        }
    }

    /// <summary>Caller holds the gate.</summary>
    internal RefreshTokenRecord AddRefreshToken(RefreshChain chain, DateTimeOffset now)
    {
        var record = new RefreshTokenRecord(Ids.NewRefreshToken(), chain, now);
        chain.RefreshTokens.Add(record);
        RefreshTokens[record.Token] = record;
        return record;
    }

    /// <summary>Whether the session is usable now (not revoked, not idle beyond the lifetime). Caller holds the gate.</summary>
    internal bool IsSessionValid(AccessTokenRecord token, DateTimeOffset now) =>
        !token.Revoked && (token.Chain is null || !token.Chain.Revoked) && now < token.LastActivity + _sessionLifetime;

    internal DateTimeOffset SessionExpiry(AccessTokenRecord token) => token.LastActivity + _sessionLifetime;

    internal Listener EnsurePod(string pod)
    {
        lock (_gate)
        {
            if (_pods.TryGetValue(pod, out var existing))
            {
                return existing;
            }
        }

        var listener = StartBlocking(ListenerKind.Pod, "pod:" + pod, pod);
        lock (_gate)
        {
            if (_pods.TryGetValue(pod, out var raced))
            {
                _ = listener.DisposeAsync().AsTask();
                return raced;
            }

            _pods[pod] = listener;
            return listener;
        }
    }

    internal Listener Login => _login;

    internal Listener Sandbox => _sandbox;

    private Listener StartBlocking(ListenerKind kind, string name, string? pod) =>
        // Kestrel starts synchronously in practice; Task.Run keeps any caller's synchronization context out of it.
        Task.Run(() => Listener.StartAsync(kind, name, pod, _tls?.ServerCertificate, HandleAsync, 0, CancellationToken.None)).GetAwaiter().GetResult();

    private void Enqueue(Queue<FakeFault> queue, FakeFault fault, int count)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    private FakeFault? NextFault(Queue<FakeFault> queue)
    {
        lock (_gate)
        {
            return queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private async Task HandleAsync(Listener listener, HttpContext context)
    {
        var request = context.Request;

        // A site's endpoints live under its path prefix (logged without it); anything else on its host is not Salesforce's.
        var outsideSite = false;
        if (listener.Site is { PathPrefix.Length: > 0 } site)
        {
            if (request.Path.StartsWithSegments(site.PathPrefix, StringComparison.OrdinalIgnoreCase, out var rest))
            {
                request.PathBase = site.PathPrefix;
                request.Path = rest.HasValue ? rest : "/";
            }
            else
            {
                outsideSite = true;
            }
        }

        var entry = new FakeRequestLogEntry(UtcNow, listener.Name, request.Method, request.Path.Value ?? "/");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Query)
        {
            parameters[pair.Key] = pair.Value.ToString();
        }

        var isPod = listener.Kind == ListenerKind.Pod;
        if (!isPod && request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                foreach (var pair in form)
                {
                    parameters[pair.Key] = pair.Value.ToString();
                }
            }
            catch (InvalidDataException)
            {
                // A malformed form is treated like a missing one: no grant_type is found (Salesforce Help "OAuth Endpoints", https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5).
            }
        }

        entry.Parameters = Redaction.Redact(parameters);
        var isTokenRequest = !isPod && !outsideSite && entry.Path.Equals("/services/oauth2/token", StringComparison.OrdinalIgnoreCase);
        if (isTokenRequest)
        {
            entry.GrantType = parameters.GetValueOrDefault("grant_type") ?? "";
        }

        RequestReceived?.Invoke(this, entry);
        Reply? reply = null;
        try
        {
            var fault = outsideSite ? null : isPod ? NextFault(_apiFaults) : isTokenRequest ? NextFault(_tokenFaults) : null;
            if (fault is not null)
            {
                entry.Fault = fault;
                if (fault.Kind == FakeFaultKind.Delay)
                {
                    await Task.Delay(fault.Delay, Options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
                }
                else
                {
                    reply = FaultReply(fault);
                }
            }

            reply ??= outsideSite
                ? Reply.Text(404, "Not Found", "NOT_FOUND")
                : isPod
                ? await _rest.HandleAsync(listener, context, parameters).ConfigureAwait(false)
                : await _oauth.HandleAsync(listener, context, parameters, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            reply = new Reply { Abort = true };
        }

        if (reply.Abort)
        {
            context.Abort();
        }
        else
        {
            await WriteAsync(context, reply).ConfigureAwait(false);
        }

        entry.StatusCode = reply.Abort ? 0 : reply.StatusCode;
        entry.Error = reply.Error;
        entry.ErrorDescription = reply.ErrorDescription;
        lock (_gate)
        {
            if (_log.Count >= MaxLogEntries)
            {
                _log.Dequeue();
            }

            _log.Enqueue(entry);
            if (isTokenRequest)
            {
                var outcome = entry.Fault is { Kind: not FakeFaultKind.Delay } ? "fault" : reply.Abort ? "aborted" : reply.Error ?? (reply.StatusCode == 200 ? "success" : reply.StatusCode.ToString(CultureInfo.InvariantCulture));
                var key = (entry.GrantType ?? "", outcome);
                _tokenCounts[key] = _tokenCounts.GetValueOrDefault(key) + 1;
            }
            else if (isPod)
            {
                var key = (listener.Pod!, entry.StatusCode);
                _apiCounts[key] = _apiCounts.GetValueOrDefault(key) + 1;
            }
        }

        RequestCompleted?.Invoke(this, entry);
    }

    private static Reply FaultReply(FakeFault fault)
    {
        switch (fault.Kind)
        {
            case FakeFaultKind.Maintenance:
                return new Reply
                {
                    StatusCode = 503,
                    ContentType = "text/html;charset=UTF-8",
                    Body = "<!DOCTYPE html><html><head><title>Salesforce - Down For Maintenance</title></head><body><h1>Down For Maintenance</h1>"
                        + "<p>Salesforce is down for maintenance. We apologize for the inconvenience. Please check back soon.</p></body></html>",
                    Error = "maintenance",
                };
            case FakeFaultKind.RateLimitExceeded:
                var limited = Reply.OAuthError("rate_limit_exceeded", "number of logins exceeded");
                var rateLimited = new Reply { StatusCode = fault.StatusCode, ContentType = limited.ContentType, Body = limited.Body, Error = limited.Error, ErrorDescription = limited.ErrorDescription };
                rateLimited.AddNoCacheHeaders();
                return rateLimited;
            case FakeFaultKind.Redirect:
                var redirect = new Reply { StatusCode = fault.StatusCode, Error = "redirect" };
                redirect.Headers["Location"] = fault.Location!.AbsoluteUri;
                return redirect;
            case FakeFaultKind.DropConnection:
                return new Reply { Abort = true };
            default:
                return fault.StatusCode >= 500
                    ? new Reply
                    {
                        StatusCode = fault.StatusCode,
                        ContentType = "text/html;charset=UTF-8",
                        Body = "<html><head><title>An internal server error has occurred</title></head><body>An internal server error has occurred.</body></html>",
                    }
                    : Reply.Text(fault.StatusCode, "Too Many Requests");
        }
    }

    private async Task WriteAsync(HttpContext context, Reply reply)
    {
        var response = context.Response;
        response.StatusCode = reply.StatusCode;

        // The emulator's own clock, so a client can measure skew from the Date header (Salesforce Help knowledge article 000381578 (login rate limits), https://help.salesforce.com/s/articleView?id=000381578&type=1).
        response.Headers.Date = UtcNow.ToString("r", CultureInfo.InvariantCulture);
        foreach (var header in reply.Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        if (reply.ContentType is not null)
        {
            response.Headers.ContentType = reply.ContentType;
        }

        if (reply.Body.Length > 0)
        {
            await response.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
