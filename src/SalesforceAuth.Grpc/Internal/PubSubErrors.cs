using System.Globalization;
using Grpc.Core;
using Google.Protobuf;

namespace SalesforceAuth.Grpc.Internal;

/// <summary>
/// The Pub/Sub API's authentication and authorization failures, explained: gRPC status plus the <c>error-code</c>
/// trailer, as listed in "Handle Errors" (Pub/Sub API Developer Guide,
/// https://developer.salesforce.com/docs/platform/pub-sub-api/guide/handling-errors.html). Salesforce answers every
/// header problem (missing or wrong <c>tenantid</c>, an <c>instanceurl</c> that is not the token's org, an expired or
/// revoked session) with the same <c>UNAUTHENTICATED</c> / <c>sfdc.platform.eventbus.grpc.service.auth.error</c>, so
/// the diagnosis lists the causes by likelihood given what this library sent.
/// </summary>
internal static class PubSubErrors
{
    /// <summary>The "Handle Errors" page of the Pub/Sub API Developer Guide.</summary>
    public static readonly Uri HandleErrorsUrl = new("https://developer.salesforce.com/docs/platform/pub-sub-api/guide/handling-errors.html");

    /// <summary>The "Retry Long-Lived RPC Calls After an Error Occurs" page.</summary>
    public static readonly Uri RetryUrl = new("https://developer.salesforce.com/docs/platform/pub-sub-api/guide/retry-rpc-calls.html");

    /// <summary>The error code from the trailers, or <see langword="null"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The value of the <c>error-code</c> trailer.</returns>
    public static string? ErrorCode(RpcException exception) => exception.Trailers.GetValue(SalesforcePubSub.ErrorCodeTrailer);

    /// <summary>Whether the failure is the Pub/Sub API refusing the session (the only failure a new token can fix).</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for <c>UNAUTHENTICATED</c>.</returns>
    public static bool IsSessionRejected(RpcException exception) => exception.StatusCode == StatusCode.Unauthenticated;

    /// <summary>Explains a failure; <see langword="null"/> when it is not about authentication or permissions.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="renewed">Whether the call was already retried with a renewed token.</param>
    /// <returns>The typed exception, or <see langword="null"/>.</returns>
    public static SalesforceAuthenticationException? Map(RpcException exception, bool renewed)
    {
        var code = ErrorCode(exception);
        var facts = Facts(exception, code);
        switch (exception.StatusCode)
        {
            case StatusCode.Unauthenticated:
                return new SalesforceSessionExpiredException(
                    renewed
                        ? "The Pub/Sub API refused the session again right after it was renewed (UNAUTHENTICATED); a new token cannot fix this."
                        : "The Pub/Sub API refused the session (UNAUTHENTICATED).",
                    exception,
                    new SalesforceErrorDetails
                    {
                        Reason = SalesforceReason.SessionExpired,
                        Error = code ?? nameof(StatusCode.Unauthenticated),
                        ErrorDescription = exception.Status.Detail,
                        Diagnosis = SessionDiagnosis(renewed, facts),
                    });
            case StatusCode.PermissionDenied:
                return new SalesforceAuthenticationException("The Pub/Sub API refused the call: the user lacks a permission it needs (PERMISSION_DENIED).", exception, new SalesforceErrorDetails
                {
                    Reason = SalesforceReason.PermissionDenied,
                    Error = code ?? nameof(StatusCode.PermissionDenied),
                    ErrorDescription = exception.Status.Detail,
                    Diagnosis = new SalesforceDiagnosis(
                        "The session is valid, but its user may not subscribe to or publish on this topic.",
                        [
                            "The user lacks read access to the platform event or the Change Data Capture entity (subscribing needs Read on the event or on the changed object).",
                            "Publishing needs Create on the platform event.",
                            "The user lacks the API Enabled permission, or the connected app's OAuth scopes do not include api.",
                        ],
                        [
                            "Give the integration user a permission set with Read (subscribe) or Create (publish) on the platform event, or Read on the object whose change events you subscribe to, and the API Enabled permission.",
                            "Check the topic with GetTopic: TopicInfo.CanSubscribe and TopicInfo.CanPublish say what this user may do.",
                        ],
                        HandleErrorsUrl)
                    {
                        Facts = facts,
                    },
                });
            default:
                return null;
        }
    }

    /// <summary>The typed error of a stream the session ended: resubscribe from <paramref name="replayId"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="method">The method's full name.</param>
    /// <param name="topicName">The stream's topic, when known.</param>
    /// <param name="replayId">The last replay id the stream delivered, or <see langword="null"/>.</param>
    /// <returns>The exception.</returns>
    public static SalesforceStreamInterruptedException StreamInterrupted(RpcException exception, string method, string? topicName, ByteString? replayId)
    {
        var code = ErrorCode(exception);
        var facts = Facts(exception, code);
        facts["method"] = method;
        if (topicName is not null)
        {
            facts["topic"] = topicName;
        }

        facts["replay id"] = replayId is null ? "(no event delivered)" : Convert.ToHexString(replayId.Span);
        return new SalesforceStreamInterruptedException(
            "The Salesforce session ended during a Pub/Sub API stream (UNAUTHENTICATED); the token was renewed: call again" + (replayId is null ? "." : " from the last replay id (ReplayPreset.Custom)."),
            exception,
            new SalesforceErrorDetails
            {
                Reason = SalesforceReason.SessionExpired,
                Error = code ?? nameof(StatusCode.Unauthenticated),
                ErrorDescription = exception.Status.Detail,
                IsTransient = true,
                Diagnosis = new SalesforceDiagnosis(
                    "The session of a long-lived Pub/Sub API stream ended (timeout, logout, revocation or a password change); Salesforce closes the stream with UNAUTHENTICATED.",
                    ["The session timed out, was revoked by an administrator or the user, or the user's password changed."],
                    ["Call Subscribe again with ReplayPreset.Custom and this exception's ReplayId (or PublishStream again); the connection's token was already renewed."],
                    RetryUrl)
                {
                    Facts = facts,
                },
            },
            replayId,
            topicName,
            method);
    }

    private static SalesforceDiagnosis SessionDiagnosis(bool renewed, Dictionary<string, string> facts)
    {
        IReadOnlyList<string> causes = renewed
            ?
            [
                "The tenantid header is not the org id of the token's org (a token of one org with another org's id).",
                "The instanceurl header is not the token's instance_url (for example a login host or another org's My Domain).",
                "The user lacks the API Enabled permission, or the connected app's scopes do not include api.",
                "The session was revoked again immediately after renewal.",
            ]
            :
            [
                "The session expired, was revoked, or ended with a password change.",
                "The tenantid header is missing or is not the org id of the token's org.",
                "The instanceurl header is missing or is not the token's instance_url.",
            ];
        IReadOnlyList<string> remedies = renewed
            ?
            [
                "Let the Salesforce call credentials set the headers (AddSalesforceCallCredentials): they send the token's own instance_url and the org id from its identity URL.",
                "Check the user's profile or permission sets for API Enabled and the connected app's OAuth scopes for api.",
            ]
            :
            [
                "Renew the token and call again (the Salesforce call credentials do this once for unary calls).",
                "Send all three headers from the same token response: accesstoken, instanceurl (its instance_url) and tenantid (the org id segment of its id URL).",
            ];
        return new SalesforceDiagnosis("The Pub/Sub API did not accept the authentication headers.", causes, remedies, HandleErrorsUrl) { Facts = facts };
    }

    private static Dictionary<string, string> Facts(RpcException exception, string? code)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["status"] = string.Create(CultureInfo.InvariantCulture, $"{exception.StatusCode} ({(int)exception.StatusCode})"),
        };
        if (code is not null)
        {
            facts["error-code"] = code;
        }

        if (exception.Trailers.GetValue("rpc-id") is { } rpcId)
        {
            facts["rpc id"] = rpcId;
        }

        return facts;
    }
}
