using System.Net.Sockets;
using System.Security.Authentication;
using SalesforceAuth.Errors;

namespace SalesforceAuth.Tests.Errors;

public sealed class TransportFailureTests
{
    [Fact]
    public void Describe_NameNotResolved_SaysSoWithTheSocketCode() =>
        Assert.Equal(
            "name not resolved (the host does not exist, or DNS or the network is unavailable) [SocketError.HostNotFound, HttpRequestError.NameResolutionError]",
            TransportFailure.Describe(new HttpRequestException(HttpRequestError.NameResolutionError, "No such host is known.", new SocketException((int)SocketError.HostNotFound))));

    [Fact]
    public void Describe_TlsFailure_KeepsTheHandshakeReason()
    {
        var text = TransportFailure.Describe(new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established.", new AuthenticationException("The remote certificate is invalid: UntrustedRoot")));

        Assert.StartsWith("TLS failure (The remote certificate is invalid: UntrustedRoot)", text, StringComparison.Ordinal);
        Assert.EndsWith("[HttpRequestError.SecureConnectionError]", text, StringComparison.Ordinal);
    }
}
