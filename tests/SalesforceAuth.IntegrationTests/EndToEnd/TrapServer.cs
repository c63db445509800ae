using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// A foreign host on another loopback port that records the raw request head (request line and headers) of everything
/// it receives and answers <c>200 trap</c>.
/// </summary>
internal sealed class TrapServer : LoopbackListener
{
    private readonly ConcurrentQueue<string> _requests = new();

    private TrapServer()
    {
    }

    /// <summary>The request heads received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static TrapServer Start() => new();

    protected override async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        _requests.Enqueue(head.ToString());
        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\ntrap"u8.ToArray(), SocketFlags.None, stopping);
        socket.Shutdown(SocketShutdown.Both);
    }
}
