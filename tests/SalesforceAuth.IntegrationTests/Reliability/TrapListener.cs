using System.Net;
using System.Net.Sockets;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>A loopback TCP listener that accepts connections, counts them and the bytes received, and answers nothing.
/// Anything reaching it is a request sent where it must not go.</summary>
internal sealed class TrapListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private long _bytes;

    public TrapListener()
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public int Connections => Volatile.Read(ref _connections);

    public long BytesReceived => Interlocked.Read(ref _bytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = DrainAsync(socket);
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
                {
                    Interlocked.Add(ref _bytes, read);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }
}
