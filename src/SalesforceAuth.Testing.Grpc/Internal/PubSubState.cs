using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using SalesforceAuth.Grpc;
using SalesforceAuth.Grpc.EventBus;

namespace SalesforceAuth.Testing.Grpc.Internal;

/// <summary>The emulator's topics, events and session checks; one lock guards all of it.</summary>
internal sealed class PubSubState(FakeSalesforce salesforce) : IDisposable
{
    /// <summary>The schema every emulated topic uses: events are opaque bytes here.</summary>
    public const string SchemaJson = """{"type":"record","name":"FakeEvent","namespace":"com.sforce.eventbus","fields":[{"name":"Payload","type":"bytes"}]}""";

    public const string SchemaId = "FakeSchemaId0001";

    private readonly object _gate = new();
    private readonly Dictionary<(FakeOrg Org, string Topic), List<ConsumerEvent>> _topics = [];
    private readonly HashSet<FakeUser> _denied = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unauthenticated;
    private int _subscriptions;

    public int UnauthenticatedCalls => Volatile.Read(ref _unauthenticated);

    public int Subscriptions => Volatile.Read(ref _subscriptions);

    public void CountSubscription() => Interlocked.Increment(ref _subscriptions);

    public void AddTopic(FakeOrg org, string topic)
    {
        lock (_gate)
        {
            _topics.TryAdd((org, topic), []);
        }
    }

    public void DenyAccess(FakeUser user)
    {
        lock (_gate)
        {
            _denied.Add(user);
        }
    }

    public ByteString Publish(FakeOrg org, string topic, ByteString payload) =>
        Publish(org, topic, new ProducerEvent { Id = Guid.NewGuid().ToString(), SchemaId = SchemaId, Payload = payload });

    public ByteString Publish(FakeOrg org, string topic, ProducerEvent producerEvent)
    {
        TaskCompletionSource changed;
        ByteString replayId;
        lock (_gate)
        {
            var events = Events(org, topic);
            replayId = ReplayId(events.Count + 1);
            events.Add(new ConsumerEvent { Event = producerEvent, ReplayId = replayId });
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return replayId;
    }

    /// <summary>A task that completes at the next publish: take it before checking for events, then wait on it.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public bool HasTopic(FakeOrg org, string topic)
    {
        lock (_gate)
        {
            return _topics.ContainsKey((org, topic));
        }
    }

    /// <summary>Events at positions <paramref name="from"/> (0-based) onwards, at most <paramref name="max"/>.</summary>
    public List<ConsumerEvent> Read(FakeOrg org, string topic, int from, int max)
    {
        lock (_gate)
        {
            var events = Events(org, topic);
            return from >= events.Count ? [] : events.GetRange(from, Math.Min(max, events.Count - from));
        }
    }

    public int Count(FakeOrg org, string topic)
    {
        lock (_gate)
        {
            return Events(org, topic).Count;
        }
    }

    /// <summary>The position after <paramref name="replayId"/>, or -1 when the id was never issued for the topic.</summary>
    public int PositionAfter(FakeOrg org, string topic, ByteString replayId)
    {
        if (replayId.Length != 8)
        {
            return -1;
        }

        var sequence = BinaryPrimitives.ReadInt64BigEndian(replayId.Span);
        return sequence >= 1 && sequence <= Count(org, topic) ? (int)sequence : -1;
    }

    /// <summary>
    /// Checks the three headers as the REST API checks its bearer token: a known, live session (not revoked, not idle past
    /// the session lifetime) on the pod the org lives on now, sent with that pod's URL and the org's id. A valid call is
    /// session activity (Metadata API Developer Guide "ProfileSessionSetting", https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm: the session timeout counts inactivity).
    /// </summary>
    /// <exception cref="RpcException"><c>UNAUTHENTICATED</c> or <c>PERMISSION_DENIED</c>, with the Pub/Sub error trailer.</exception>
    public FakeUser Authenticate(ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        var token = headers.GetValue(SalesforcePubSub.AccessTokenHeader);
        var instanceUrl = headers.GetValue(SalesforcePubSub.InstanceUrlHeader);
        var tenantId = headers.GetValue(SalesforcePubSub.TenantIdHeader);
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(instanceUrl) || string.IsNullOrEmpty(tenantId)
            || !Uri.TryCreate(instanceUrl, UriKind.Absolute, out var instance))
        {
            throw Unauthenticated();
        }

        // The org id as the identity URL gives it (18 characters) or its 15-character form.
        if (!salesforce.TryUseSession(token, out var user, out var podUrl)
            || !(tenantId == user.Org.OrgId || (tenantId.Length == 15 && user.Org.OrgId.StartsWith(tenantId, StringComparison.Ordinal))))
        {
            throw Unauthenticated();
        }

        if (!string.Equals(instance.GetLeftPart(UriPartial.Authority), podUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated();
        }

        lock (_gate)
        {
            if (_denied.Contains(user))
            {
                throw Failure(StatusCode.PermissionDenied, "sfdc.platform.eventbus.grpc.service.auth.error", "The user does not have access to this topic.");
            }
        }

        return user;
    }

    public RpcException Unauthenticated()
    {
        Interlocked.Increment(ref _unauthenticated);
        return Failure(StatusCode.Unauthenticated, SalesforcePubSub.AuthErrorCode, "An authentication exception occurred. Provide valid authentication via metadata headers.");
    }

    public static RpcException Failure(StatusCode status, string errorCode, string message)
    {
        var rpcId = Guid.NewGuid().ToString();
        return new RpcException(
            new Status(status, $"{message} rpcId: {rpcId}"),
            new Metadata { { SalesforcePubSub.ErrorCodeTrailer, errorCode }, { "rpc-id", rpcId } });
    }

    public void Dispose()
    {
        lock (_gate)
        {
            // Wakes every waiting stream so shutdown does not wait for a publish.
            _changed.TrySetCanceled();
        }
    }

    private static ByteString ReplayId(long sequence)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        return ByteString.CopyFrom(bytes);
    }

    private List<ConsumerEvent> Events(FakeOrg org, string topic) =>
        _topics.TryGetValue((org, topic), out var events) ? events : throw Failure(StatusCode.NotFound, "sfdc.platform.eventbus.grpc.subscription.topic.notfound", $"Topic {topic} not found.");
}
