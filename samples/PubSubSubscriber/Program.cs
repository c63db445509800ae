using PubSubSubscriber;
using SalesforceAuth.Samples;

// dotnet run --project samples/PubSubSubscriber
// Subscribes to a Pub/Sub API topic with the tokens of SalesforceAuth. With no org configured (the SF_* variables of the
// other samples) it runs against FakeSalesforce and FakePubSub, publishes six events and ends every session after the
// third: the subscription resumes from the last replay id with one token renewal.
return await SampleConsole.RunAsync(SubscriberApp.RunAsync, args);
