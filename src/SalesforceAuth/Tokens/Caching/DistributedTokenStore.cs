using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SalesforceAuth.Internal;

namespace SalesforceAuth.Tokens.Caching;

/// <summary>
/// The second level over <see cref="IDistributedCache"/>. Entries are AES-256-GCM encrypted, and the cache key is the
/// associated data, so an entry copied to another key, written under another encryption key, or corrupted fails
/// authentication and reads as a miss. The store is never trusted and never fatal: an outage is logged once, the store
/// is left alone for <see cref="SalesforceDistributedCacheOptions.FailureBackoff"/>, and then tried again.
/// </summary>
internal sealed class DistributedTokenStore : ITokenSecondLevel
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>How often a waiting instance tries the lock again and looks for the holder's token.</summary>
    internal static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IDistributedCache _cache;
    private readonly SalesforceDistributedCacheOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ISalesforceTokenLock? _lock;
    private readonly ISalesforceDistributedCache? _remover;
    private readonly byte[] _key;
    private long _unavailableUntilTicks;
    private int _failing;

    /// <summary>Creates the store.</summary>
    /// <param name="cache">
    /// The distributed cache; when it is an <see cref="ISalesforceDistributedCache"/>, a rejected token is removed with
    /// its atomic compare-and-delete.
    /// </param>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="tokenLock">The fleet-wide acquisition lock, when configured.</param>
    public DistributedTokenStore(IDistributedCache cache, IOptions<SalesforceDistributedCacheOptions> options, TimeProvider timeProvider, ILogger<DistributedTokenStore> logger, ISalesforceTokenLock? tokenLock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _lock = tokenLock;
        _remover = cache as ISalesforceDistributedCache;
        _key = ParseKey(_options.EncryptionKey);
    }

    /// <inheritdoc />
    public async ValueTask<SalesforceToken?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken)
    {
        if (!IsAvailable())
        {
            return null;
        }

        byte[]? blob;
        try
        {
            blob = await _cache.GetAsync(CacheKey(key), cancellationToken).WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("read", ex);
            return null;
        }

        return blob is null ? null : Unprotect(key, blob);
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(TokenCacheKey key, SalesforceToken token, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (!IsAvailable() || expiresAt <= _timeProvider.GetUtcNow())
        {
            return;
        }

        try
        {
            var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpiration = expiresAt };
            await _cache.SetAsync(CacheKey(key), Protect(key, token), entryOptions, cancellationToken).WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("write", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// With an <see cref="ISalesforceDistributedCache"/> (Redis) the delete happens only if the entry is still the one
    /// read and compared, atomically; a plain <c>IDistributedCache</c> offers no such operation, so there a token another
    /// instance stores between the read and the delete is removed too (it costs that instance's peers one token request).
    /// </remarks>
    public async ValueTask RemoveAsync(TokenCacheKey key, SalesforceToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!IsAvailable())
        {
            return;
        }

        var cacheKey = CacheKey(key);
        try
        {
            var blob = await _cache.GetAsync(cacheKey, cancellationToken).WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (blob is null || Unprotect(key, blob) is not { } stored || !string.Equals(stored.AccessToken, token.AccessToken, StringComparison.Ordinal))
            {
                Succeeded();
                return;
            }

            if (_remover is not null)
            {
                await _remover.RemoveIfUnchangedAsync(cacheKey, blob, cancellationToken).AsTask().WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _cache.RemoveAsync(cacheKey, cancellationToken).WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            Succeeded();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("remove", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable?> TryLockAsync(TokenCacheKey key, Func<CancellationToken, ValueTask<bool>> tokenArrived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenArrived);
        if (_lock is null || !IsAvailable())
        {
            return null;
        }

        var lockKey = CacheKey(key) + ":lock";
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            IAsyncDisposable? held;
            var attempt = _lock.TryAcquireAsync(lockKey, cancellationToken).AsTask();
            try
            {
                held = await attempt.WaitAsync(_options.OperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                Succeeded();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _ = ReleaseIfGrantedLateAsync(attempt);
                throw;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _ = ReleaseIfGrantedLateAsync(attempt);
                Failed("lock", ex);
                return null;
            }

            if (held is not null)
            {
                return held;
            }

            // Another instance is getting the token: its token may already be stored (the holder writes, then releases).
            if (await tokenArrived(cancellationToken).ConfigureAwait(false) || !IsAvailable())
            {
                return null;
            }

            var waited = _timeProvider.GetElapsedTime(started);
            if (waited >= _options.LockWait)
            {
                Log.DistributedLockWaitElapsed(_logger, waited);
                return null;
            }

            await Task.Delay(LockPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Releases a lock that was granted after this instance stopped waiting for it (a slow store): nobody would release
    /// it otherwise, and the whole fleet would wait for it to expire.
    /// </summary>
    private static async Task ReleaseIfGrantedLateAsync(Task<IAsyncDisposable?> attempt)
    {
        try
        {
            if (await attempt.ConfigureAwait(false) is { } late)
            {
                await late.DisposeAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The attempt failed, so nothing was granted; a failed release leaves a lock that expires by itself.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Encrypts a token for a key (internal for tests).</summary>
    /// <param name="key">The key (bound as associated data).</param>
    /// <param name="token">The token.</param>
    /// <returns>The entry.</returns>
    internal byte[] Protect(TokenCacheKey key, SalesforceToken token)
    {
        var plaintext = Serialize(token);
        var blob = new byte[1 + NonceSize + TagSize + plaintext.Length];
        blob[0] = FormatVersion;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), AssociatedData(key));
        CryptographicOperations.ZeroMemory(plaintext);
        return blob;
    }

    /// <summary>Decrypts an entry; <see langword="null"/> when it is not ours (internal for tests).</summary>
    /// <param name="key">The key the entry was read under.</param>
    /// <param name="blob">The entry.</param>
    /// <returns>The token, or <see langword="null"/>.</returns>
    internal SalesforceToken? Unprotect(TokenCacheKey key, byte[] blob)
    {
        if (blob.Length < 1 + NonceSize + TagSize || blob[0] != FormatVersion)
        {
            Log.DistributedEntryRejected(_logger, "unknown format");
            return null;
        }

        var plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), plaintext, AssociatedData(key));
            return Deserialize(plaintext);
        }
        catch (CryptographicException)
        {
            // Another encryption key, another cache key, or tampering: never trusted.
            Log.DistributedEntryRejected(_logger, "it does not authenticate under this key");
            return null;
        }
#pragma warning disable CA1031 // Anything unreadable in a shared store is a miss, never a failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            Log.DistributedEntryRejected(_logger, "its content is not a token");
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Whether a configured key is usable (32 bytes of Base64).</summary>
    /// <param name="encryptionKey">The configured key.</param>
    /// <returns><see langword="true"/> when usable.</returns>
    internal static bool IsValidKey(string? encryptionKey)
    {
        var buffer = new byte[48];
        return encryptionKey is not null && Convert.TryFromBase64String(encryptionKey, buffer, out var written) && written == 32;
    }

    private static byte[] ParseKey(string? encryptionKey)
    {
        byte[]? key = null;
        try
        {
            key = encryptionKey is null ? null : Convert.FromBase64String(encryptionKey);
        }
        catch (FormatException)
        {
        }

        if (key is not { Length: 32 })
        {
            throw new SalesforceConfigurationException(
                nameof(SalesforceDistributedCacheOptions.EncryptionKey),
                "The Salesforce distributed token cache needs EncryptionKey: 32 random bytes in Base64 (for example the output of 'openssl rand -base64 32'), the same on every instance.");
        }

        return key;
    }

    private static byte[] AssociatedData(TokenCacheKey key) => Encoding.UTF8.GetBytes("SalesforceAuth.v1:" + key.DistributedKey);

    private static byte[] Serialize(SalesforceToken token)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("t", token.AccessToken);
            writer.WriteString("i", token.InstanceUrl.OriginalString);
            WriteOptional(writer, "a", token.ApiInstanceUrl?.OriginalString);
            WriteOptional(writer, "id", token.IdentityUrl?.OriginalString);
            writer.WriteString("tt", token.TokenType);
            WriteOptional(writer, "s", token.Scope);
            WriteOptional(writer, "cu", token.CommunityUrl?.OriginalString);
            WriteOptional(writer, "ci", token.CommunityId);
            writer.WriteNumber("f", (int)token.Flow);
            writer.WriteNumber("o", token.ObtainedAt.ToUnixTimeMilliseconds());
            if (token.IssuedAt is { } issued)
            {
                writer.WriteNumber("ia", issued.ToUnixTimeMilliseconds());
            }

            if (token.ExpiresAt is { } expires)
            {
                writer.WriteNumber("e", expires.ToUnixTimeMilliseconds());
                if (token.HasKnownExpiry)
                {
                    writer.WriteBoolean("k", true);
                }
            }

            // The refresh token is deliberately not shared: with rotation it is a single-use secret of this instance.
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static SalesforceToken Deserialize(byte[] plaintext)
    {
        using var document = JsonDocument.Parse(plaintext);
        var root = document.RootElement;
        return new SalesforceToken(root.GetProperty("t").GetString()!, new Uri(root.GetProperty("i").GetString()!))
        {
            ApiInstanceUrl = OptionalUri(root, "a"),
            IdentityUrl = OptionalUri(root, "id"),
            TokenType = root.GetProperty("tt").GetString() ?? "Bearer",
            Scope = OptionalString(root, "s"),
            CommunityUrl = OptionalUri(root, "cu"),
            CommunityId = OptionalString(root, "ci"),
            Flow = (SalesforceFlow)root.GetProperty("f").GetInt32(),
            ObtainedAt = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("o").GetInt64()),
            IssuedAt = root.TryGetProperty("ia", out var ia) ? DateTimeOffset.FromUnixTimeMilliseconds(ia.GetInt64()) : null,
            ExpiresAt = root.TryGetProperty("e", out var e) ? DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64()) : null,
            HasKnownExpiry = root.TryGetProperty("k", out var known) && known.ValueKind == JsonValueKind.True,
        };
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static Uri? OptionalUri(JsonElement root, string name) =>
        OptionalString(root, name) is { } text ? new Uri(text) : null;

    private string CacheKey(TokenCacheKey key) => _options.KeyPrefix + key.DistributedKey;

    private bool IsAvailable() => _timeProvider.GetUtcNow().UtcTicks >= Volatile.Read(ref _unavailableUntilTicks);

    private void Failed(string operation, Exception exception)
    {
        Volatile.Write(ref _unavailableUntilTicks, (_timeProvider.GetUtcNow() + _options.FailureBackoff).UtcTicks);
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.DistributedCacheUnavailable(_logger, operation, exception);
        }
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.DistributedCacheRecovered(_logger);
        }
    }
}
