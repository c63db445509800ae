using System.Collections;
using PubSubSubscriber;

// dotnet run --project samples/PubSubSubscriber
// Subscribes to a Pub/Sub API topic with the tokens of SalesforceAuth. With no org configured (the SF_* variables of the
// other samples) it runs against FakeSalesforce and FakePubSub, publishes six events and ends every session after the
// third: the subscription resumes from the last replay id with one token renewal.
var environment = new Dictionary<string, string?>();
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = entry.Value as string;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await SubscriberApp.RunAsync(Console.Out, environment, args, cancellation.Token);
