using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SalesforceAuth.Testing.Grpc.Internal;

namespace SalesforceAuth.Testing.Grpc;

/// <summary>
/// A local emulator of the Salesforce Pub/Sub API beside a <see cref="FakeSalesforce"/>: gRPC over plain HTTP/2 (h2c)
/// on its own <c>127.0.0.1</c> port, serving <c>GetTopic</c>, <c>GetSchema</c>, <c>Publish</c> and <c>Subscribe</c>
/// (flow control by <c>num_requested</c>, replay ids). Every call's <c>accesstoken</c>, <c>instanceurl</c> and
/// <c>tenantid</c> are checked against the emulator's sessions as its REST API checks them; a stream whose session ends
/// is closed with <c>UNAUTHENTICATED</c> before its next event. Point clients at <see cref="Address"/> with
/// <c>AllowInsecureLoopback</c> on the connection.
/// </summary>
public sealed class FakePubSub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PubSubState _state;

    private FakePubSub(WebApplication app, PubSubState state, Uri address)
    {
        _app = app;
        _state = state;
        Address = address;
    }

    /// <summary>The address of the service, for example <c>http://127.0.0.1:49152</c> (HTTP/2 without TLS).</summary>
    public Uri Address { get; }

    /// <summary>Calls answered <c>UNAUTHENTICATED</c> so far (streams closed mid-way included).</summary>
    public int UnauthenticatedCalls => _state.UnauthenticatedCalls;

    /// <summary><c>Subscribe</c> calls accepted so far.</summary>
    public int Subscriptions => _state.Subscriptions;

    /// <summary>Starts the emulator.</summary>
    /// <param name="salesforce">The emulator whose sessions authenticate the calls.</param>
    /// <param name="cancellationToken">Stops waiting for the server to start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<FakePubSub> StartAsync(FakeSalesforce salesforce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(salesforce);
        var state = new PubSubState(salesforce);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "FakePubSub",
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });

        // As FakeSalesforce: none of the host application's configuration (Kestrel endpoints!) and no console lifetime.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();
        builder.Services.AddSingleton(state);
        // An emulator's own failures are worth reading in full on the client side.
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = true);

        // gRPC needs HTTP/2; without TLS there is no ALPN to negotiate it, so the port speaks HTTP/2 only (h2c, prior
        // knowledge), which is what Grpc.Net.Client uses for an http:// address.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });

        var app = builder.Build();
        app.MapGrpcService<PubSubService>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakePubSub(app, state, new Uri(address.TrimEnd('/')));
    }

    /// <summary>Adds a topic (a platform event channel such as <c>/event/Order_Event__e</c>, or a change event channel) to an org.</summary>
    /// <param name="org">The org.</param>
    /// <param name="topicName">The topic name.</param>
    public void AddTopic(FakeOrg org, string topicName)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentException.ThrowIfNullOrWhiteSpace(topicName);
        _state.AddTopic(org, topicName);
    }

    /// <summary>Publishes an event as Salesforce would (for example a record change), without a client.</summary>
    /// <param name="org">The org.</param>
    /// <param name="topicName">A topic added with <see cref="AddTopic"/>.</param>
    /// <param name="payload">The event payload (Avro-encoded in the real service; any bytes here).</param>
    /// <returns>The event's replay id.</returns>
    public ByteString Publish(FakeOrg org, string topicName, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentException.ThrowIfNullOrWhiteSpace(topicName);
        return _state.Publish(org, topicName, ByteString.CopyFrom(payload));
    }

    /// <summary>Takes away a user's access to an org's topics: its calls are answered <c>PERMISSION_DENIED</c>.</summary>
    /// <param name="user">The user.</param>
    public void DenyAccess(FakeUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _state.DenyAccess(user);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _state.Dispose();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"FakePubSub {Address}";

    private sealed class QuietHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
