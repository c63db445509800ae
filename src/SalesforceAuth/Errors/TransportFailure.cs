using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using Polly.Timeout;

namespace SalesforceAuth.Errors;

/// <summary>
/// Says in words why a request got no answer (connection refused, name not resolved, TLS failure, timeout after N s),
/// with the socket-level code, so a wrong port and a missing network no longer read alike.
/// </summary>
internal static class TransportFailure
{
    /// <summary>Describes a transport failure; safe to show (no request or response content).</summary>
    /// <param name="exception">The failure: an <see cref="HttpRequestException"/>, a timeout or an <see cref="IOException"/>.</param>
    /// <returns>For example <c>connection refused (SocketError.ConnectionRefused, HttpRequestError.ConnectionError)</c>.</returns>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Find<TimeoutRejectedException>(exception) is { } rejected)
        {
            return $"no answer: timeout after {Seconds(rejected.Timeout)}";
        }

        if (Find<TimeoutException>(exception) is { } timeout)
        {
            return $"no answer: {timeout.Message}";
        }

        var socket = Find<SocketException>(exception);
        var request = Find<HttpRequestException>(exception);
        var codes = new List<string>(2);
        if (socket is not null)
        {
            codes.Add($"SocketError.{socket.SocketErrorCode}");
        }

        if (request is not null && request.HttpRequestError != HttpRequestError.Unknown)
        {
            codes.Add($"HttpRequestError.{request.HttpRequestError}");
        }

        var text = (socket?.SocketErrorCode, request?.HttpRequestError) switch
        {
            (SocketError.ConnectionRefused, _) => "connection refused (nothing listens on that host and port, or a firewall rejects it)",
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) or (_, HttpRequestError.NameResolutionError) => "name not resolved (the host does not exist, or DNS or the network is unavailable)",
            (_, HttpRequestError.SecureConnectionError) => $"TLS failure ({Find<AuthenticationException>(exception)?.Message ?? "the TLS handshake failed"})",
            (SocketError.TimedOut, _) => "connection timed out",
            (SocketError.NetworkUnreachable or SocketError.HostUnreachable, _) => "network or host unreachable",
            (SocketError.ConnectionReset or SocketError.ConnectionAborted, _) or (_, HttpRequestError.ResponseEnded) => "connection closed before the answer was complete",
            (_, HttpRequestError.ProxyTunnelError) => "the proxy refused to open a tunnel",
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return codes.Count == 0 ? text : $"{text} [{string.Join(", ", codes)}]";
    }

    private static string Seconds(TimeSpan value) =>
        value.TotalSeconds >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.#} s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
