using Google.Protobuf;
using Grpc.Core;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;

namespace SalesforceAuth.IntegrationTests.PubSub;

/// <summary>
/// A subscriber as an application writes one: reads events one at a time and, when the session ends mid-stream,
/// subscribes again from the replay id the typed error kept.
/// </summary>
internal sealed class Subscriber(SalesforceAuth.Grpc.EventBus.PubSub.PubSubClient client, string topic) : IDisposable
{
    private readonly Queue<ConsumerEvent> _buffer = new();
    private AsyncDuplexStreamingCall<FetchRequest, FetchResponse>? _call;
    private ByteString? _resumeAfter;

    public List<SalesforceStreamInterruptedException> Interruptions { get; } = [];

    public async Task<ConsumerEvent> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_buffer.TryDequeue(out var next))
            {
                return next;
            }

            try
            {
                // The first request can already meet the refusal of the headers.
                _call ??= await StartAsync(cancellationToken);
                if (!await _call.ResponseStream.MoveNext(cancellationToken))
                {
                    throw new InvalidOperationException("The stream ended.");
                }

                foreach (var e in _call.ResponseStream.Current.Events)
                {
                    _buffer.Enqueue(e);
                }
            }
            catch (SalesforceStreamInterruptedException ex)
            {
                Interruptions.Add(ex);
                _resumeAfter = ex.ReplayId ?? _resumeAfter;
                _call?.Dispose();
                _call = null;
            }
        }
    }

    public void Dispose() => _call?.Dispose();

    private async Task<AsyncDuplexStreamingCall<FetchRequest, FetchResponse>> StartAsync(CancellationToken cancellationToken)
    {
        var call = client.Subscribe(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new FetchRequest
        {
            TopicName = topic,
            ReplayPreset = _resumeAfter is null ? ReplayPreset.Earliest : ReplayPreset.Custom,
            ReplayId = _resumeAfter ?? ByteString.Empty,
            NumRequested = 100,
        }, cancellationToken);
        return call;
    }
}
