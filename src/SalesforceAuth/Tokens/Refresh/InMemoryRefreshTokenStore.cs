
namespace SalesforceAuth.Tokens.Refresh;

/// <summary>
/// The default <see cref="ISalesforceRefreshTokenStore"/>: the current refresh token in memory, seeded from
/// <see cref="SalesforceClientOptions.RefreshToken"/>. A rotated token lives as long as the process; register a durable
/// store when the app rotates refresh tokens and the process may restart.
/// </summary>
internal sealed class InMemoryRefreshTokenStore : ISalesforceRefreshTokenStore
{
    private string? _refreshToken;

    /// <summary>Creates the store.</summary>
    /// <param name="refreshToken">The initial refresh token, or <see langword="null"/>.</param>
    public InMemoryRefreshTokenStore(string? refreshToken) => _refreshToken = refreshToken;

    /// <summary>The current refresh token, read without a task.</summary>
    public string? Current => Volatile.Read(ref _refreshToken);

    /// <inheritdoc />
    public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Volatile.Read(ref _refreshToken));

    /// <inheritdoc />
    public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        Volatile.Write(ref _refreshToken, refreshToken);
        return Task.CompletedTask;
    }
}
