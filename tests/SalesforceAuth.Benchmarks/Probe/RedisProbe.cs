using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using StackExchange.Redis;

namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>
/// <c>--probe-redis</c>: 4 processes (this executable in child mode) share one Redis on a cold cache and all ask for a
/// token at once; the loopback endpoint counts the token requests. Target (issue 10): 1 with the acquisition lock.
/// The parent starts its own redis-server on a free port (no persistence) and skips visibly when there is none.
/// </summary>
public static partial class RedisProbe
{
    private const int Processes = 4;

    public static async Task<int> RunAsync(List<string> args)
    {
        var options = ProbeOptions.Parse(args, defaultCallers: 250);
        var redisServer = FindOnPath("redis-server");
        if (redisServer is null)
        {
            Console.WriteLine("SKIP: redis-server is not on PATH; the multi-process probe needs it.");
            return 0;
        }

        var port = FreePort();
        using var redis = Process.Start(new ProcessStartInfo(redisServer)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        try
        {
            var connection = $"127.0.0.1:{port}";
            await WaitForRedisAsync(connection);
            Console.WriteLine($"Redis probe: {Processes} processes × {options.Callers:N0} callers, endpoint latency {LoadResult.Ms(options.Latency)}, redis-server on port {port}; {Infrastructure.MachineLoad.Describe()}.");
            var rows = new List<string[]> { new[] { "Subject", "Token requests", "Failed callers", "Slowest process max", "Result" } };
            var failures = 0;
            foreach (var subject in Subjects().Where(s => options.Subject is null || s.Name == options.Subject))
            {
                await FlushAsync(connection);
                await using var server = await TokenEndpointServer.StartAsync(options.Latency);
                var children = await RunChildrenAsync(subject.Name, server.BaseAddress, connection, options);
                var failed = children.Sum(c => c.Failed);
                var pass = server.TokenRequests == 1 && failed == 0 && children.Count == Processes;
                failures += pass ? 0 : 1;
                rows.Add(
                [
                    subject.Name + (subject.IsFloor ? " (floor)" : string.Empty),
                    server.TokenRequests.ToString(CultureInfo.InvariantCulture) + " (expect 1)",
                    failed.ToString(CultureInfo.InvariantCulture),
                    children.Count == 0 ? "-" : children.Max(c => c.MaxMs).ToString("0.0", CultureInfo.InvariantCulture) + " ms",
                    pass ? "PASS" : "FAIL" + (children.Count == Processes ? string.Empty : $" ({children.Count}/{Processes} processes reported)"),
                ]);
            }

            Console.WriteLine();
            Console.WriteLine(Table.Format(rows));
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            redis.Kill();
            await redis.WaitForExitAsync();
        }
    }

    /// <summary>Child mode: build a cold subject, say READY, wait for GO on stdin, run the burst, print RESULT.</summary>
    public static async Task<int> RunChildAsync(List<string> args)
    {
        var options = ProbeOptions.Parse(args, defaultCallers: 250);
        var login = new Uri(ProbeOptions.Value(args, "--login") ?? throw new ArgumentException("--login is required."));
        var redis = ProbeOptions.Value(args, "--redis") ?? throw new ArgumentException("--redis is required.");
        var subject = Subjects().Single(s => s.Name == options.Subject);
        await using var client = await subject.CreateAsync(login, redis);
        Console.WriteLine("READY");
        if (await Console.In.ReadLineAsync() != "GO")
        {
            return 1;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await LoadResult.RunAsync(client.GetToken, options.Callers, TokenEndpointServer.AccessToken, timeout.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {result.Failed} {result.Max.TotalMilliseconds:0.0} {result.FirstError}"));
        return 0;
    }

    private static async Task<List<ChildResult>> RunChildrenAsync(string subject, Uri login, string redis, ProbeOptions options)
    {
        var children = new List<Process>();
        try
        {
            for (var i = 0; i < Processes; i++)
            {
                var start = SelfStartInfo();
                foreach (var a in new[] { "--probe-redis-child", "--subject", subject, "--login", login.ToString(), "--redis", redis, "--callers", options.Callers.ToString(CultureInfo.InvariantCulture) })
                {
                    start.ArgumentList.Add(a);
                }

                start.RedirectStandardInput = true;
                start.RedirectStandardOutput = true;
                start.UseShellExecute = false;
                children.Add(Process.Start(start) ?? throw new InvalidOperationException("A child process did not start."));
            }

            // All children connected and cold before any asks: the cache is cold for everyone at once.
            foreach (var child in children)
            {
                var line = await child.StandardOutput.ReadLineAsync();
                if (line != "READY")
                {
                    throw new InvalidOperationException($"A child process failed to start: {line}");
                }
            }

            foreach (var child in children)
            {
                await child.StandardInput.WriteLineAsync("GO");
                await child.StandardInput.FlushAsync();
            }

            var results = new List<ChildResult>();
            foreach (var child in children)
            {
                var line = await child.StandardOutput.ReadLineAsync();
                await child.WaitForExitAsync();
                if (line is not null && line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', 4);
                    results.Add(new ChildResult(int.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture)));
                }
            }

            return results;
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }

                child.Dispose();
            }
        }
    }

    /// <summary>This same program: the apphost when there is one, else <c>dotnet this.dll</c>.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this executable.");
        var start = new ProcessStartInfo(process);
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        return start;
    }

    private static List<ProbeSubject> Subjects()
    {
        var subjects = new List<ProbeSubject> { ReferenceSubjects.RedisLock };
        AddOurs(subjects);
        return subjects;
    }

    /// <summary>Adds our provider with Redis (RedisProbe.Ours.cs).</summary>
    static partial void AddOurs(List<ProbeSubject> subjects);

    private static async Task WaitForRedisAsync(string connection)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(connection);
                await multiplexer.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task FlushAsync(string connection)
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(connection + ",allowAdmin=true");
        foreach (var endpoint in multiplexer.GetEndPoints())
        {
            await multiplexer.GetServer(endpoint).FlushAllDatabasesAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private readonly record struct ChildResult(int Failed, double MaxMs);
}
