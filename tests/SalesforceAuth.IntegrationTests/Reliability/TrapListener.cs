using System.Net.Sockets;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>A loopback listener that accepts connections, counts them and the bytes received, and answers nothing.
/// Anything reaching it is a request sent where it must not go.</summary>
internal sealed class TrapListener : LoopbackListener
{
    private long _bytes;

    public long BytesReceived => Interlocked.Read(ref _bytes);

    protected override async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, stopping)) > 0)
        {
            Interlocked.Add(ref _bytes, read);
        }
    }
}
