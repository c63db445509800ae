using System.Net;
using System.Net.Sockets;

namespace SalesforceAuth.IntegrationTests;

/// <summary>
/// A bare TCP listener on a free loopback port that accepts every connection, counts it and hands the socket to
/// <see cref="ServeAsync"/> (closed afterwards). Raw sockets, so nothing on the way can hide what a client sent.
/// </summary>
internal abstract class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    protected LoopbackListener()
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>Connections accepted, even those that sent nothing.</summary>
    public int Connections => Volatile.Read(ref _connections);

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

    /// <summary>Serves one accepted connection until it ends or the listener stops.</summary>
    /// <param name="socket">The connection.</param>
    /// <param name="stopping">Signalled when the listener is disposed.</param>
    /// <returns>A task.</returns>
    protected abstract Task ServeAsync(Socket socket, CancellationToken stopping);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeOneAsync(socket, _stop.Token);
        }
    }

    private async Task ServeOneAsync(Socket socket, CancellationToken stopping)
    {
        using (socket)
        {
            try
            {
                await ServeAsync(socket, stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }
}
