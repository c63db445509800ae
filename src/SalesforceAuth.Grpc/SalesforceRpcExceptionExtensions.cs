using Grpc.Core;
using SalesforceAuth.Grpc.Internal;

namespace SalesforceAuth.Grpc;

/// <summary>Explains Pub/Sub API failures in the terms of the Salesforce error model.</summary>
public static class SalesforceRpcExceptionExtensions
{
    /// <summary>
    /// The typed Salesforce error for a Pub/Sub API authentication or permission failure, with causes and fixes:
    /// <c>UNAUTHENTICATED</c> (error code <c>sfdc.platform.eventbus.grpc.service.auth.error</c>: an expired or revoked
    /// session, a missing or wrong <c>tenantid</c>, a wrong <c>instanceurl</c>) becomes a
    /// <see cref="SalesforceSessionExpiredException"/>, and <c>PERMISSION_DENIED</c> a
    /// <see cref="SalesforceAuthenticationException"/> with <see cref="SalesforceReason.PermissionDenied"/>.
    /// </summary>
    /// <param name="exception">The gRPC failure.</param>
    /// <returns>The typed error (with <paramref name="exception"/> inside), or <see langword="null"/> for any other status.</returns>
    public static SalesforceAuthenticationException? ToSalesforceException(this RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return PubSubErrors.Map(exception, renewed: false);
    }
}
