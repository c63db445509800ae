using System.ComponentModel;
using System.Diagnostics;

namespace SalesforceAuth.Cli.Login;

/// <summary>Opens a URL in the user's browser, when there is one.</summary>
internal static class Browser
{
    /// <summary>Returns <see langword="false"/> when no browser can be opened (no display, SSH, a container); the caller
    /// then prints the URL for the user to open elsewhere.</summary>
    public static bool TryOpen(string url, Func<string, string?> variable)
    {
        try
        {
            Process? process;
            if (OperatingSystem.IsWindows())
            {
                process = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
            }
            else if (OperatingSystem.IsMacOS())
            {
                process = Process.Start("open", [url]);
            }
            else if (variable("DISPLAY") is not null || variable("WAYLAND_DISPLAY") is not null)
            {
                process = Process.Start("xdg-open", [url]);
            }
            else
            {
                return false;
            }

            process?.Dispose();
            return process is not null;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
