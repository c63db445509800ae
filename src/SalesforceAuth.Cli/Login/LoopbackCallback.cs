using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SalesforceAuth.Cli.Login;

/// <summary>
/// The redirect target of the browser login: a minimal HTTP listener on 127.0.0.1 that answers
/// <c>http://localhost:PORT/callback</c> once, with the <c>state</c> of this login (RFC 8252 §7.3, loopback redirection).
/// </summary>
internal sealed class LoopbackCallback : IDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private readonly TcpListener _listener;

    private LoopbackCallback(TcpListener listener, int port)
    {
        _listener = listener;
        RedirectUri = $"http://localhost:{port}/callback";
    }

    /// <summary>The <c>redirect_uri</c>: it must be one of the app's callback URLs, exactly.</summary>
    public string RedirectUri { get; }

    public static LoopbackCallback Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new UsageException($"Port {port} on 127.0.0.1 cannot be used for the login callback ({ex.SocketErrorCode}); pass another --port and add http://localhost:PORT/callback to the app's callback URLs.");
        }

        return new LoopbackCallback(listener, port);
    }

    /// <summary>Waits for the browser to come back with this login's state; other requests are answered and ignored.</summary>
    /// <returns>The callback's query parameters (<c>code</c>, or <c>error</c> and <c>error_description</c>).</returns>
    public async Task<Dictionary<string, string>> WaitAsync(string state, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            using var stream = client.GetStream();
            var target = await ReadRequestTargetAsync(stream, cancellationToken).ConfigureAwait(false);
            var question = target?.IndexOf('?', StringComparison.Ordinal) ?? -1;
            var path = target is null ? null : question < 0 ? target : target[..question];
            if (path != "/callback")
            {
                await RespondAsync(stream, 404, "Not found", "This address only receives the Salesforce login callback.", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var query = ParseQuery(question < 0 ? string.Empty : target![(question + 1)..]);
            if (!query.TryGetValue("state", out var received) || received != state)
            {
                // Another login's (or a forged) callback: not ours to use.
                await RespondAsync(stream, 400, "Unexpected login", "This callback does not belong to the running sfauth login; it was ignored.", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var failed = query.ContainsKey("error");
            await RespondAsync(
                stream,
                200,
                failed ? "Login failed" : "Logged in",
                failed ? "Salesforce did not authorize sfauth; the terminal says why. You can close this window." : "sfauth received the authorization. You can close this window and return to the terminal.",
                cancellationToken).ConfigureAwait(false);
            return query;
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>application/x-www-form-urlencoded query parameters; the first of a repeated name wins.</summary>
    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            result.TryAdd(name, value);
        }

        return result;
    }

    /// <summary>Reads the request head and returns the request target of a GET, or <see langword="null"/>.</summary>
    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var line = head.Split("\r\n", 2)[0].Split(' ');
        return line.Length == 3 && line[0] == "GET" ? line[1] : null;
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string title, string message, CancellationToken cancellationToken)
    {
        var body = $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sfauth: {title}</title></head><body><h1>{title}</h1><p>{message}</p></body></html>";
        var bytes = Encoding.UTF8.GetBytes(body);
        var reason = status switch { 200 => "OK", 400 => "Bad Request", _ => "Not Found" };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
