using System.Text;

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

    /// <summary>
    /// Replaces (or creates) <paramref name="path"/> with <paramref name="token"/> atomically: a temporary file in the
    /// same folder, created owner-only (0600) on Unix, flushed to disk, then renamed over the old one. A crash leaves
    /// either the old token or the new one, never a half-written file, and the token is never readable by others.
    /// </summary>
    public static void Write(string path, string token)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private string? Read()
    {
        var token = File.ReadAllText(_path).Trim();
        return token.Length == 0 ? null : token;
    }
}
