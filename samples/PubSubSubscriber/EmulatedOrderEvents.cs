using SalesforceAuth.Testing;
using SalesforceAuth.Testing.Grpc;

namespace PubSubSubscriber;

/// <summary>
/// On the emulator only: publishes order events as Salesforce would, and after the third one has been handled ends
/// every session (as an administrator would), so the subscriber shows how it survives that.
/// </summary>
public sealed class EmulatedOrderEvents(FakeSalesforce salesforce, FakePubSub pubSub, FakeOrg org, SubscriberProgress progress, SubscriberTranscript transcript) : BackgroundService
{
    public const string Topic = "/event/Order_Event__e";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var order = 1; order <= 3; order++)
        {
            pubSub.Publish(org, Topic, System.Text.Encoding.UTF8.GetBytes($"order {order} shipped"));
        }

        await progress.WhenHandledAsync(3, stoppingToken);
        salesforce.RevokeAllSessions();
        transcript.WriteLine("emulator: all sessions revoked");
        for (var order = 4; order <= 6; order++)
        {
            pubSub.Publish(org, Topic, System.Text.Encoding.UTF8.GetBytes($"order {order} shipped"));
        }
    }
}
