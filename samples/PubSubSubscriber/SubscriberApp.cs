using SalesforceAuth.Grpc.EventBus;
using SalesforceAuth.Samples;
using SalesforceAuth.Testing.Grpc;

namespace PubSubSubscriber;

/// <summary>Builds and runs the subscriber host.</summary>
public static class SubscriberApp
{
    /// <summary>Runs the host until it is stopped (or until <c>Subscriber:StopAfter</c> events).</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="environment">The environment: <c>SF_*</c> variables select a real org.</param>
    /// <param name="args">Command-line configuration overrides (<c>--Subscriber:Topic=/data/AccountChangeEvent</c>).</param>
    /// <param name="cancellationToken">Stops the host.</param>
    /// <returns>0.</returns>
    public static async Task<int> RunAsync(TextWriter output, IDictionary<string, string?> environment, string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddUserSecrets(typeof(SubscriberApp).Assembly, optional: true);

        await using var org = await SampleOrg.StartAsync(environment, output, cancellationToken);
        await using var pubSub = org.Emulator is null ? null : await FakePubSub.StartAsync(org.Emulator, cancellationToken);

        builder.Services.Configure<SubscriberOptions>(builder.Configuration.GetSection("Subscriber"));
        builder.Services.AddSingleton(new SubscriberTranscript(output));
        builder.Services.AddSingleton<SubscriberProgress>();
        builder.Services.AddSalesforceClient("events", options => org.Configure(options));

        // The Pub/Sub API client: api.pubsub.salesforce.com:7443 by default; the emulator's h2c address otherwise.
        builder.Services.AddGrpcClient<PubSub.PubSubClient>(o =>
            {
                if (pubSub is not null)
                {
                    o.Address = pubSub.Address;
                }
            })
            .AddSalesforceCallCredentials("events");
        builder.Services.AddHostedService<SubscriberWorker>();

        if (pubSub is not null)
        {
            pubSub.AddTopic(org.Org!, EmulatedOrderEvents.Topic);
            output.WriteLine($"  Pub/Sub API    {pubSub.Address} (h2c), topic {EmulatedOrderEvents.Topic}");
            builder.Services.Configure<SubscriberOptions>(o =>
            {
                o.Topic = EmulatedOrderEvents.Topic;
                o.StopAfter = o.StopAfter == 0 ? 6 : o.StopAfter;
            });
            builder.Services.AddHostedService(sp => new EmulatedOrderEvents(org.Emulator!, pubSub, org.Org!, sp.GetRequiredService<SubscriberProgress>(), sp.GetRequiredService<SubscriberTranscript>()));
        }

        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        if (org.Emulator is not null)
        {
            output.WriteLine($"token requests: {org.Emulator.Counters.TokenRequests()} (one renewal after the revocation)");
        }

        output.WriteLine("Subscriber stopped.");
        return 0;
    }
}
