using Microsoft.Extensions.Logging;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens;

/// <summary>
/// The refresh token flow's safety rules (reference §5.3, §5.4): one refresh in flight per refresh token (concurrent
/// callers share its result); a rotated refresh token is saved to the <see cref="ISalesforceRefreshTokenStore"/>, and
/// the save awaited, before the new access token is handed out; a refresh token that has been rotated away is never
/// sent again by this process; <c>token request is already being processed</c> (another process refreshing the same
/// token) is answered by waiting for that process to store its result, never by resending the same token.
/// </summary>
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
    private readonly Dictionary<string, Task<SalesforceToken>> _inflight = new(StringComparer.Ordinal);

    // Rotated-away refresh token -> its successor. Presenting a rotated token again revokes the chain (§5.3), so any
    // path that would send one (a stale store read, a caller's override, a cache renewal) sends the latest instead.
    private readonly Dictionary<string, string> _successors = new(StringComparer.Ordinal);
    private PendingSave? _pending;
    private Task<SalesforceToken?>? _pendingRetry;

    /// <summary>Creates the lifecycle.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="store">The refresh token store.</param>
    /// <param name="send">Sends one refresh request (no blind retries) and returns the token.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The instruments.</param>
    /// <param name="complete">
    /// Runs once per refresh, after the rotated token is saved and before the token is shared (introspection-driven
    /// expiry), so concurrent callers share its result too.
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
    }

    /// <summary>The store.</summary>
    public ISalesforceRefreshTokenStore Store => _store;

    /// <summary>Refreshes: resolves the current refresh token, joins or starts the one refresh for it.</summary>
    /// <param name="request">Overrides (an explicit refresh token), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a shared refresh continues for the others.</param>
    /// <returns>The token.</returns>
    public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
    {
        var explicitToken = request?.RefreshToken;
        if (explicitToken is null && Volatile.Read(ref _pending) is not null)
        {
            var recovered = await RetryPendingSaveAsync(cancellationToken).ConfigureAwait(false);
            if (recovered is not null)
            {
                return recovered;
            }
        }

        var refreshToken = explicitToken ?? await ReadStoreAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(refreshToken))
        {
            throw new SalesforceConfigurationException(nameof(_options.RefreshToken), "No refresh token: set RefreshToken, pass SalesforceTokenRequest.RefreshToken, or register an ISalesforceRefreshTokenStore that holds one.");
        }

        return await JoinOrStart(refreshToken, request, saveToStore: explicitToken is null).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest known successor of a refresh token (itself when it was never rotated here).</summary>
    /// <param name="refreshToken">The refresh token.</param>
    /// <returns>The token to send.</returns>
    public string Latest(string refreshToken)
    {
        lock (_gate)
        {
            return LatestLocked(refreshToken);
        }
    }

    private async Task<string?> ReadStoreAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(stored) ? _options.RefreshToken : stored;
    }

    private Task<SalesforceToken> JoinOrStart(string refreshToken, SalesforceTokenRequest? request, bool saveToStore)
    {
        lock (_gate)
        {
            refreshToken = LatestLocked(refreshToken);
            if (_inflight.TryGetValue(refreshToken, out var running))
            {
                Log.RefreshJoined(_logger, _options.ClientId);
                return running;
            }

            var completion = new TaskCompletionSource<SalesforceToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflight[refreshToken] = completion.Task;

            // The shared refresh runs under no caller's cancellation (the token endpoint client bounds it by
            // TotalTimeout): one caller giving up must not fail the others, nor abandon a rotation half-way.
            _ = RunAsync(refreshToken, request, saveToStore, completion);
            return completion.Task;
        }
    }

    private async Task RunAsync(string refreshToken, SalesforceTokenRequest? request, bool saveToStore, TaskCompletionSource<SalesforceToken> completion)
    {
        await Task.Yield();
        try
        {
            completion.TrySetResult(await RefreshAsync(refreshToken, request, saveToStore).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // Handed to every waiter through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            completion.TrySetException(ex);
        }
        finally
        {
            lock (_gate)
            {
                _inflight.Remove(refreshToken);
            }
        }
    }

    private async Task<SalesforceToken> RefreshAsync(string refreshToken, SalesforceTokenRequest? request, bool saveToStore)
    {
        var overrides = new SalesforceTokenRequest { Username = request?.Username, SubjectToken = request?.SubjectToken, RefreshToken = refreshToken };
        SalesforceToken token;
        try
        {
            token = await _send(overrides, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SalesforceAuthenticationException ex) when (ex.Reason == SalesforceReason.RefreshInProgress && saveToStore)
        {
            // Another process holds the same refresh token and is refreshing it (§5.4). Resending it would be refused
            // again, or with rotation count as reuse: wait for the other process to store its successor and use that.
            var successor = await WaitForForeignRotationAsync(refreshToken).ConfigureAwait(false);
            if (successor is null)
            {
                throw;
            }

            return await JoinOrStart(successor, request, saveToStore).ConfigureAwait(false);
        }

        if (token.RefreshToken is { Length: > 0 } rotated && !string.Equals(rotated, refreshToken, StringComparison.Ordinal))
        {
            lock (_gate)
            {
                _successors[refreshToken] = rotated;
            }

            if (saveToStore)
            {
                await SaveOrKeepPendingAsync(rotated, refreshToken, token).ConfigureAwait(false);
                _metrics.RefreshTokenRotations.Add(1, new KeyValuePair<string, object?>("salesforce.outcome", "saved"));
                Log.RefreshTokenRotated(_logger, _options.ClientId);
            }
        }

        return await _complete(token, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task SaveOrKeepPendingAsync(string rotated, string previous, SalesforceToken token)
    {
        try
        {
            await _store.SaveAsync(rotated, previous, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any store failure is reported as one typed error; the new token is kept, not lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _pending, new PendingSave(rotated, previous, token));
            _metrics.RefreshTokenRotations.Add(1, new KeyValuePair<string, object?>("salesforce.outcome", "save_failed"));
            Log.RefreshTokenSaveFailed(_logger, _options.ClientId, ex);
            throw StoreFailure(ex);
        }
    }

    private Task<SalesforceToken?> RetryPendingSaveAsync(CancellationToken cancellationToken)
    {
        Task<SalesforceToken?> retry;
        lock (_gate)
        {
            // One save attempt at a time, shared by the callers that arrive meanwhile.
            retry = _pendingRetry ??= SavePendingAsync();
        }

        return retry.WaitAsync(cancellationToken);
    }

    private async Task<SalesforceToken?> SavePendingAsync()
    {
        await Task.Yield();
        try
        {
            if (Volatile.Read(ref _pending) is not { } pending)
            {
                return null;
            }

            try
            {
                await _store.SaveAsync(pending.RefreshToken, pending.PreviousRefreshToken, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Any store failure is reported as one typed error; the new token stays pending.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.RefreshTokenSaveFailed(_logger, _options.ClientId, ex);
                throw StoreFailure(ex);
            }

            Volatile.Write(ref _pending, null);
            Log.RefreshTokenSaveRecovered(_logger, _options.ClientId);

            // The access token withheld when the save failed is handed out now, if still fresh; otherwise the caller
            // refreshes with the (now stored) successor.
            return pending.Token.IsExpired(_timeProvider.GetUtcNow()) ? null : await _complete(pending.Token, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pendingRetry = null;
            }
        }
    }

    private async Task<string?> WaitForForeignRotationAsync(string refreshToken)
    {
        foreach (var wait in ForeignRefreshWaits)
        {
            Log.RefreshInProgressElsewhere(_logger, _options.ClientId, wait.TotalMilliseconds);
            await Task.Delay(wait, _timeProvider).ConfigureAwait(false);
            var stored = await ReadStoreAsync(CancellationToken.None).ConfigureAwait(false);
            if (stored is not null && !string.Equals(Latest(stored), refreshToken, StringComparison.Ordinal))
            {
                return stored;
            }
        }

        return null;
    }

    private string LatestLocked(string refreshToken)
    {
        var current = refreshToken;
        for (var hops = 0; hops <= _successors.Count && _successors.TryGetValue(current, out var next); hops++)
        {
            current = next;
        }

        return current;
    }

    private static SalesforceAuthenticationException StoreFailure(Exception inner)
    {
        const string Message = "Salesforce rotated the refresh token, but the new one could not be saved to the ISalesforceRefreshTokenStore, so the new access token was not handed out (with rotation, losing the new refresh token means the user must authorize the app again). The new refresh token is kept in memory and the next token request saves it first; the old one will not be sent again. Check the store (see the inner exception).";
        return new SalesforceAuthenticationException(Message, inner)
        {
            Reason = SalesforceReason.Unknown,
            Flow = SalesforceFlow.RefreshToken,
            IsTransient = true,
            Diagnosis = new SalesforceDiagnosis(Message),
        };
    }

    private sealed record PendingSave(string RefreshToken, string PreviousRefreshToken, SalesforceToken Token);
}
