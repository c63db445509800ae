using SalesforceAuth.Cli.Files;

namespace SalesforceAuth.Cli.Credentials;

/// <summary>
/// <c>--refresh-token-file</c>: the refresh token kept in a file, for the refresh-token flow across runs. With refresh
/// token rotation every refresh retires the token presented and returns a new one; presenting the retired one again
/// revokes the whole chain (Salesforce Help, "Refresh Token Rotation",
/// https://help.salesforce.com/s/articleView?id=005316711&amp;type=1). So the token client saves the new token here, and
/// waits for the save, before it hands out the access token, and therefore before the tool prints anything.
/// </summary>
internal sealed class RefreshTokenFile : ISalesforceRefreshTokenStore
{
    private readonly string _path;

    private RefreshTokenFile(string path) => _path = path;

    /// <summary>Opens the file, checking now that it holds a token so that a bad path is a usage error naming the setting.</summary>
    public static RefreshTokenFile Open(string path, string setting)
    {
        var file = new RefreshTokenFile(Path.GetFullPath(path));
        string? token;
        try
        {
            token = file.Read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{setting}: cannot read {file._path}: {ex.Message}", ex);
        }

        return token is null ? throw new UsageException($"{setting}: {file._path} holds no refresh token.") : file;
    }

    public Task<string?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Read());

    public Task SaveAsync(string refreshToken, string? previousRefreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        Write(_path, refreshToken);
        return Task.CompletedTask;
    }

    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="token"/>, atomically and owner-only.</summary>
    public static void Write(string path, string token) => PrivateFile.Replace(path, token + "\n");

    private string? Read()
    {
        var token = File.ReadAllText(_path).Trim();
        return token.Length == 0 ? null : token;
    }
}
