using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SalesforceAuth;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;

namespace PubSubSubscriber;

/// <summary>
/// Subscribes to a topic and keeps the subscription alive: when the session ends mid-stream the Salesforce call
/// credentials renew the token once and throw <see cref="SalesforceStreamInterruptedException"/>; the worker subscribes
/// again after the last replay id it handled, so no event is lost or handled twice.
/// </summary>
public sealed class SubscriberWorker(PubSub.PubSubClient client, IOptions<SubscriberOptions> options, SubscriberProgress progress, IHostApplicationLifetime lifetime, ILogger<SubscriberWorker> logger, SubscriberTranscript transcript) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var topic = await client.GetTopicAsync(new TopicRequest { TopicName = settings.Topic }, cancellationToken: stoppingToken);
        transcript.WriteLine($"topic {topic.TopicName} of org {topic.TenantGuid}: can subscribe {topic.CanSubscribe}, schema {topic.SchemaId}");

        // Store the last replay id durably in a real service, and start from it after a restart.
        ByteString? lastReplayId = null;
        var handled = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var call = client.Subscribe(cancellationToken: stoppingToken);
            try
            {
                await call.RequestStream.WriteAsync(new FetchRequest
                {
                    TopicName = settings.Topic,
                    ReplayPreset = lastReplayId is null ? ReplayPreset.Earliest : ReplayPreset.Custom,
                    ReplayId = lastReplayId ?? ByteString.Empty,
                    NumRequested = settings.BatchSize,
                }, stoppingToken);
                var outstanding = settings.BatchSize;
                while (await call.ResponseStream.MoveNext(stoppingToken))
                {
                    var response = call.ResponseStream.Current;
                    foreach (var e in response.Events)
                    {
                        handled++;
                        lastReplayId = e.ReplayId;
                        transcript.WriteLine($"event {handled}: {e.Event.Payload.ToStringUtf8()} (replay id {Convert.ToHexString(e.ReplayId.Span)})");
                        progress.Handled();
                        if (settings.StopAfter > 0 && handled >= settings.StopAfter)
                        {
                            lifetime.StopApplication();
                            return;
                        }
                    }

                    // Ask for more before running dry (flow control is the subscriber's job).
                    outstanding -= response.Events.Count;
                    if (outstanding <= settings.BatchSize / 2)
                    {
                        await call.RequestStream.WriteAsync(new FetchRequest { NumRequested = settings.BatchSize - outstanding }, stoppingToken);
                        outstanding = settings.BatchSize;
                    }
                }
            }
            catch (SalesforceStreamInterruptedException ex)
            {
                // The token is already renewed (once, for every call of the connection): just subscribe again.
                lastReplayId = ex.ReplayId ?? lastReplayId;
                logger.LogInformation("Session ended mid-stream; resubscribing after replay id {ReplayId}", lastReplayId is null ? "(none)" : Convert.ToHexString(lastReplayId.Span));
                transcript.WriteLine($"session ended mid-stream ({ex.Error}); token renewed; resubscribing after replay id {(lastReplayId is null ? "(none)" : Convert.ToHexString(lastReplayId.Span))}");
            }
            catch (SalesforceAuthenticationException ex)
            {
                // Not fixable by renewing (wrong org, no API access, a revoked app): say why and stop.
                transcript.WriteLine($"refused, {ex.Reason}: {ex.Diagnosis.Summary}");
                lifetime.StopApplication();
                return;
            }
            catch (RpcException ex) when (ex.ToSalesforceException() is { } explained)
            {
                transcript.WriteLine($"refused, {explained.Reason}: {explained.Diagnosis.Summary}");
                lifetime.StopApplication();
                return;
            }
        }
    }
}
