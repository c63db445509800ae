using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens.Refresh;

/// <summary>
/// The refresh token flow under refresh token rotation: each refresh returns a new refresh token and retires the one
/// sent, and presenting a retired one again revokes the whole chain (Salesforce Help, Knowledge Article 005316711,
/// https://help.salesforce.com/s/articleView?id=005316711&amp;type=1). So each chain of refresh tokens is rotated
/// linearizably: one run at a time does refresh, then save, then publish, and every caller that arrives meanwhile
/// (holding any token of the chain) joins that run instead of starting another. The rotated token becomes the chain's
/// current token only once the <see cref="ISalesforceRefreshTokenStore"/> holds it, so saves land in rotation order and
/// the store never ends on a token Salesforce has retired; a retired token is never sent again by this process.
/// <c>token request is already being processed</c> (another process refreshing the same token; Salesforce Summer '24
/// release notes, https://help.salesforce.com/s/articleView?id=release-notes.rn_security_refresh_token_requests.htm&amp;release=250&amp;type=5)
/// is answered by waiting for that process to store its result, never by resending the same token.
/// </summary>
/// <remarks>
/// A failed save: Salesforce has already retired the old token, so the new one must not be lost. It is kept in memory
/// as the chain's pending save, the request fails with a transient <see cref="SalesforceAuthenticationException"/>
/// (carrying no token), and the chain's next run saves it before anything else: nothing refreshes meanwhile (the store
/// would hold a retired token) and the withheld access token is handed out once the save lands, if still fresh. A process
/// that stops while its store still refuses the save loses the new token; the error log says so.
/// </remarks>
internal sealed class RefreshTokenLifecycle
{
    /// <summary>How long to wait, in turn, for another process to store a rotated token after <c>token request is already being processed</c>.</summary>
    internal static readonly TimeSpan[] ForeignRefreshWaits = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly SalesforceClientOptions _options;
    private readonly ISalesforceRefreshTokenStore _store;
    private readonly Func<SalesforceTokenRequest, CancellationToken, Task<SalesforceToken>> _send;
    private readonly Func<SalesforceToken, CancellationToken, Task<SalesforceToken>> _complete;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SalesforceMetrics _metrics;
    private readonly object _gate = new();

    // The chain whose current token lives in the store (the configured connection's).
    private readonly Chain _stored = new(saves: true);

    // Every refresh token this process has read, sent or been given -> its chain, so a caller holding any of them (a
    // stale store read, an override, a token handed out before a rotation) joins that chain's run and never sends a
    // retired token. Grows by one entry per rotation; a chain of an override that never rotated is dropped after its run.
    private readonly Dictionary<string, Chain> _chains = new(StringComparer.Ordinal);

    /// <summary>Creates the lifecycle.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="store">The refresh token store.</param>
    /// <param name="send">Sends one refresh request (no blind retries) and returns the token.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="complete">
    /// Runs at most once per refresh, after the rotated token is saved, for the callers that ask for it
    /// (introspection-driven expiry), so concurrent callers share its result too.
    /// </param>
    public RefreshTokenLifecycle(SalesforceClientOptions options, ISalesforceRefreshTokenStore store, Func<SalesforceTokenRequest, CancellationToken, Task<SalesforceToken>> send, TimeProvider timeProvider, ILogger logger, SalesforceMetrics metrics, Func<SalesforceToken, CancellationToken, Task<SalesforceToken>>? complete = null)
    {
        _options = options;
        _store = store;
        _send = send;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _complete = complete ?? ((token, _) => Task.FromResult(token));

        // The configured token seeds the store: passed again as an override, it is the stored chain's, not a new one.
        if (!string.IsNullOrEmpty(options.RefreshToken))
        {
            _chains[options.RefreshToken] = _stored;
        }
    }

    /// <summary>Refreshes: joins the run of the chain the refresh token belongs to, or starts it.</summary>
    /// <param name="request">Overrides (an explicit refresh token), or <see langword="null"/> for the stored one.</param>
    /// <param name="complete">
    /// Whether to wait for the completion step (introspection); it runs once per run, shared by every caller that asks
    /// for it. The cache does not ask: it refines the expiry in the background.
    /// </param>
    /// <param name="cancellationToken">Stops this caller's wait; the run continues for the others.</param>
    /// <returns>The token.</returns>
    public Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, bool complete, CancellationToken cancellationToken)
    {
        Task<SalesforceToken> run;
        lock (_gate)
        {
            var chain = ChainOfLocked(request?.RefreshToken);
            var running = chain.Run;
            if (running is not null)
            {
                Log.RefreshJoined(_logger, _options.ClientId);
            }
            else
            {
                // The run belongs to no caller: one caller giving up must not fail the others, nor abandon a rotation
                // half-way (the token endpoint client bounds the request by TotalTimeout).
                running = chain.Run = RunAsync(chain, request?.Username);
                chain.Completed = null;
            }

            run = complete ? chain.Completed ??= CompleteAfterAsync(running) : running;
        }

        return run.WaitAsync(cancellationToken);
    }

    private async Task<SalesforceToken> CompleteAfterAsync(Task<SalesforceToken> run) =>
        await _complete(await run.ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);

    private Chain ChainOfLocked(string? refreshToken)
    {
        if (refreshToken is null)
        {
            return _stored;
        }

        if (!_chains.TryGetValue(refreshToken, out var chain))
        {
            chain = new Chain(saves: false) { Current = refreshToken };
            _chains[refreshToken] = chain;
        }

        return chain;
    }

    private async Task<SalesforceToken> RunAsync(Chain chain, string? username)
    {
        // Leave the caller's lock before any work.
        await Task.Yield();
        try
        {
            if (chain.Pending is { } pending)
            {
                await SaveAsync(chain, pending).ConfigureAwait(false);
                Log.RefreshTokenSaveRecovered(_logger, _options.ClientId);
                if (!pending.Token.IsExpired(_timeProvider.GetUtcNow()))
                {
                    return pending.Token;
                }
            }

            var refreshToken = chain.Saves ? await ReadStoreAsync().ConfigureAwait(false) : chain.Current!;
            var (token, sent) = await SendAsync(chain, refreshToken, username).ConfigureAwait(false);
            if (token.RefreshToken is { Length: > 0 } rotated && !string.Equals(rotated, sent, StringComparison.Ordinal))
            {
                await RotateAsync(chain, sent, rotated, token).ConfigureAwait(false);
            }

            return token;
        }
        finally
        {
            lock (_gate)
            {
                chain.Run = null;

                // An override that never rotated leaves nothing to protect: forget it, so per-user tokens do not pile up.
                if (!chain.Saves && !chain.Rotated)
                {
                    _chains.Remove(chain.Current!);
                }
            }
        }
    }

    private async Task<(SalesforceToken Token, string Sent)> SendAsync(Chain chain, string refreshToken, string? username)
    {
        while (true)
        {
            try
            {
                var token = await _send(new SalesforceTokenRequest { Username = username, RefreshToken = refreshToken }, CancellationToken.None).ConfigureAwait(false);
                return (token, refreshToken);
            }
            catch (SalesforceAuthenticationException ex) when (ex.Reason == SalesforceReason.RefreshInProgress && chain.Saves)
            {
                // Another process holds the same refresh token and is refreshing it. Resending it would be refused
                // again, or with rotation count as reuse: wait for the other process to store its successor and use that.
                var successor = await WaitForForeignRotationAsync(refreshToken).ConfigureAwait(false);
                if (successor is null)
                {
                    throw;
                }

                refreshToken = successor;
            }
        }
    }

    private async Task RotateAsync(Chain chain, string retired, string rotated, SalesforceToken token)
    {
        lock (_gate)
        {
            _chains[rotated] = chain;
            chain.Rotated = true;
        }

        if (!chain.Saves)
        {
            // An override's chain is the caller's to persist (it gets the new token in SalesforceToken.RefreshToken).
            chain.Current = rotated;
            return;
        }

        // Salesforce has retired the token the store holds: until the store holds the new one nothing may refresh and
        // the access token is not handed out, so it is pending first, and stays pending if the save fails.
        var pending = new PendingSave(rotated, retired, token);
        chain.Pending = pending;
        try
        {
            await SaveAsync(chain, pending).ConfigureAwait(false);
        }
        catch (SalesforceAuthenticationException)
        {
            _metrics.RefreshTokenRotations.Add(1, new KeyValuePair<string, object?>("salesforce.outcome", "save_failed"));
            throw;
        }

        _metrics.RefreshTokenRotations.Add(1, new KeyValuePair<string, object?>("salesforce.outcome", "saved"));
        Log.RefreshTokenRotated(_logger, _options.ClientId);
    }

    /// <summary>Saves a pending rotation; only then is the new token the chain's current one.</summary>
    private async Task SaveAsync(Chain chain, PendingSave pending)
    {
        try
        {
            await _store.SaveAsync(pending.RefreshToken, pending.PreviousRefreshToken, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any store failure is reported as one typed error; the new token stays pending, not lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RefreshTokenSaveFailed(_logger, _options.ClientId, ex);
            throw StoreFailure(ex);
        }

        chain.Pending = null;
        chain.Current = pending.RefreshToken;
    }

    /// <summary>Reads the stored chain's token from the store (another process may have rotated it).</summary>
    private async Task<string> ReadStoreAsync()
    {
        var stored = await _store.GetAsync(CancellationToken.None).ConfigureAwait(false);
        if (string.IsNullOrEmpty(stored))
        {
            stored = _options.RefreshToken;
        }

        if (string.IsNullOrEmpty(stored))
        {
            throw new SalesforceConfigurationException(nameof(_options.RefreshToken), "No refresh token: set RefreshToken, pass SalesforceTokenRequest.RefreshToken, or register an ISalesforceRefreshTokenStore that holds one.");
        }

        lock (_gate)
        {
            // A token this chain has already moved past (a stale replica, a late write from elsewhere, the seed after
            // the store was emptied) is retired: sending it would revoke the chain, so the current one is sent instead.
            if (_stored.Current is { } current && _chains.TryGetValue(stored, out var owner) && owner == _stored)
            {
                return current;
            }

            _stored.Current = stored;
            _chains[stored] = _stored;
            return stored;
        }
    }

    private async Task<string?> WaitForForeignRotationAsync(string refreshToken)
    {
        foreach (var wait in ForeignRefreshWaits)
        {
            Log.RefreshInProgressElsewhere(_logger, _options.ClientId, wait.TotalMilliseconds);
            await Task.Delay(wait, _timeProvider).ConfigureAwait(false);
            var stored = await ReadStoreAsync().ConfigureAwait(false);
            if (!string.Equals(stored, refreshToken, StringComparison.Ordinal))
            {
                return stored;
            }
        }

        return null;
    }

    private static SalesforceAuthenticationException StoreFailure(Exception inner)
    {
        const string Message = "Salesforce rotated the refresh token, but the new one could not be saved to the ISalesforceRefreshTokenStore, so the new access token was not handed out (with rotation, losing the new refresh token means the user must authorize the app again). The new refresh token is kept in memory and the next token request saves it first; the old one will not be sent again. Check the store (see the inner exception).";
        return new SalesforceAuthenticationException(Message, inner, new SalesforceErrorDetails
        {
            Reason = SalesforceReason.Unknown,
            Flow = SalesforceFlow.RefreshToken,
            IsTransient = true,
            Diagnosis = new SalesforceDiagnosis(Message),
        });
    }

    /// <summary>
    /// One chain of refresh tokens. Its fields other than <see cref="Run"/> are touched only by its run, and runs of a
    /// chain never overlap (<see cref="Run"/> is set and cleared under the lifecycle's lock).
    /// </summary>
    private sealed class Chain(bool saves)
    {
        /// <summary>Whether rotations are saved to the store (the stored chain) or left to the caller (an override's).</summary>
        public bool Saves { get; } = saves;

        /// <summary>The token to send next: the one the store holds (stored chain), or the latest received (override).</summary>
        public string? Current { get; set; }

        /// <summary>Whether Salesforce has rotated a token of this chain here (so a retired token maps to it).</summary>
        public bool Rotated { get; set; }

        /// <summary>A rotation Salesforce has made that the store does not hold yet.</summary>
        public PendingSave? Pending { get; set; }

        /// <summary>The run in flight: refresh, save, publish.</summary>
        public Task<SalesforceToken>? Run { get; set; }

        /// <summary>The completion step of the latest run (introspection), started by the first caller that asks for it.</summary>
        public Task<SalesforceToken>? Completed { get; set; }
    }

    private sealed record PendingSave(string RefreshToken, string PreviousRefreshToken, SalesforceToken Token);
}
