using System.Text;

namespace SalesforceAuth.Cli.Files;

/// <summary>Files the tool writes that others on the machine must not read (keys, tokens) or must never see half-written.</summary>
internal static class PrivateFile
{
    /// <summary>0600: read and write for the owner only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the file, failing with an <see cref="IOException"/> if it exists (no check-then-write race); on Unix with <paramref name="mode"/> from the start.</summary>
    public static void CreateNew(string path, string content, UnixFileMode mode = OwnerOnly)
    {
        using var stream = new FileStream(path, Options(mode));
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    /// <summary>
    /// Replaces (or creates) <paramref name="path"/> atomically: a temporary file in the same folder, created owner-only
    /// (0600) on Unix, flushed to disk, then renamed over the old one. A crash leaves either the old content or the new,
    /// never a half-written file, and the content is never readable by others, not even for a moment.
    /// </summary>
    public static void Replace(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, Options(OwnerOnly)))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
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

    private static FileStreamOptions Options(UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        return options;
    }
}
