using Google.Protobuf;

namespace SalesforceAuth.Grpc;

/// <summary>
/// The Pub/Sub API ended a streaming call (<c>Subscribe</c>, <c>PublishStream</c>) with <c>UNAUTHENTICATED</c>: the
/// session ended while the stream was open. The token has already been replaced (one renewal, shared with every other
/// call of the connection), so call again: for <c>Subscribe</c>, with <c>ReplayPreset.Custom</c> and
/// <see cref="ReplayId"/> to receive every event after the last one this stream delivered, exactly once.
/// </summary>
/// <remarks>
/// Thrown by the response stream's <c>MoveNext</c>. When a stream is refused again with the renewed token before it
/// delivered anything, the session cannot be fixed by renewing: that is a <see cref="SalesforceSessionExpiredException"/>.
/// </remarks>
public sealed class SalesforceStreamInterruptedException : SalesforceAuthenticationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SalesforceStreamInterruptedException()
        : this("The Salesforce session ended during a Pub/Sub API stream; the token was renewed; call again.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    public SalesforceStreamInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause (the <c>RpcException</c>).</param>
    public SalesforceStreamInterruptedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception (the Pub/Sub call credentials create them this way).</summary>
    /// <param name="message">The message; must not contain secrets.</param>
    /// <param name="innerException">The cause (the <c>RpcException</c>).</param>
    /// <param name="details">The wire data and diagnosis.</param>
    /// <param name="replayId">The replay id of the last event the stream delivered, or <see langword="null"/>.</param>
    /// <param name="topicName">The topic of the stream, when known.</param>
    /// <param name="method">The full name of the method.</param>
    internal SalesforceStreamInterruptedException(string message, Exception? innerException, SalesforceErrorDetails details, ByteString? replayId, string? topicName, string? method)
        : base(message, innerException, details)
    {
        ReplayId = replayId;
        TopicName = topicName;
        Method = method;
    }

    /// <summary>
    /// The replay id of the last event the stream delivered (or, after an empty keepalive batch, the latest replay id it
    /// reported); <see langword="null"/> when it delivered none: resubscribe from where the interrupted stream started.
    /// </summary>
    public ByteString? ReplayId { get; }

    /// <summary>The topic of the stream, from its first request, when known.</summary>
    public string? TopicName { get; }

    /// <summary>The full name of the method, for example <c>/eventbus.v1.PubSub/Subscribe</c>.</summary>
    public string? Method { get; }
}
