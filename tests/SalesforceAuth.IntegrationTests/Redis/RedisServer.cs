using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SalesforceAuth.IntegrationTests.Redis;

/// <summary>A private redis-server on a free loopback port, without persistence; killed on dispose.</summary>
internal sealed class RedisServer : IDisposable
{
    private Process? _process;

    private RedisServer(string executable, int port)
    {
        Executable = executable;
        Port = port;
    }

    public string Executable { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    /// <summary>Starts a server, or skips the test (fails it when SALESFORCEAUTH_REQUIRE_TOOLS=1) if redis-server is missing.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
        if (executable is null)
        {
            if (Environment.GetEnvironmentVariable("SALESFORCEAUTH_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail("redis-server is required (SALESFORCEAUTH_REQUIRE_TOOLS=1) but was not found on PATH; run eng/install-test-tools.sh.");
            }

            Assert.Skip("redis-server is not installed; the Redis tests need it (eng/install-test-tools.sh installs it).");
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var server = new RedisServer(executable, port);
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Wait until it answers PING (bounded: a process start, not a timing assertion).
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not start on port {Port}.");
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, commands wait unanswered until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>Lets a paused server run again (SIGCONT); the commands sent meanwhile are executed.</summary>
    public void Resume() => Signal("-CONT");

    public void Dispose() => Kill();

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} failed for redis-server {_process.Id}.");
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
