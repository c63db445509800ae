using Grpc.Core;
using SalesforceAuth.Grpc.EventBus;

namespace SalesforceAuth.Testing.Grpc.Internal;

/// <summary>The emulated <c>eventbus.v1.PubSub</c> service.</summary>
internal sealed class PubSubService(PubSubState state) : PubSub.PubSubBase
{
    /// <summary>The most events one response carries (the real service batches too).</summary>
    private const int MaxBatch = 100;

    public override Task<TopicInfo> GetTopic(TopicRequest request, ServerCallContext context)
    {
        var user = state.Authenticate(context);
        if (!state.HasTopic(user.Org, request.TopicName))
        {
            throw PubSubState.Failure(StatusCode.NotFound, "sfdc.platform.eventbus.grpc.subscription.topic.notfound", $"Topic {request.TopicName} not found.");
        }

        return Task.FromResult(new TopicInfo
        {
            TopicName = request.TopicName,
            TenantGuid = user.Org.OrgId,
            CanPublish = true,
            CanSubscribe = true,
            SchemaId = PubSubState.SchemaId,
            RpcId = Guid.NewGuid().ToString(),
        });
    }

    public override Task<SchemaInfo> GetSchema(SchemaRequest request, ServerCallContext context)
    {
        state.Authenticate(context);
        return request.SchemaId == PubSubState.SchemaId
            ? Task.FromResult(new SchemaInfo { SchemaId = PubSubState.SchemaId, SchemaJson = PubSubState.SchemaJson, RpcId = Guid.NewGuid().ToString() })
            : throw PubSubState.Failure(StatusCode.NotFound, "sfdc.platform.eventbus.grpc.schema.notfound", $"Schema {request.SchemaId} not found.");
    }

    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context)
    {
        var user = state.Authenticate(context);
        var response = new PublishResponse { SchemaId = PubSubState.SchemaId, RpcId = Guid.NewGuid().ToString() };
        foreach (var producerEvent in request.Events)
        {
            var replayId = state.Publish(user.Org, request.TopicName, producerEvent);
            response.Results.Add(new PublishResult { ReplayId = replayId, CorrelationKey = producerEvent.Id });
        }

        return Task.FromResult(response);
    }

    public override async Task Subscribe(IAsyncStreamReader<FetchRequest> requestStream, IServerStreamWriter<FetchResponse> responseStream, ServerCallContext context)
    {
        var user = state.Authenticate(context);
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var first = requestStream.Current;
        var topic = first.TopicName;
        if (!state.HasTopic(user.Org, topic))
        {
            throw PubSubState.Failure(StatusCode.NotFound, "sfdc.platform.eventbus.grpc.subscription.topic.notfound", $"Topic {topic} not found.");
        }

        var position = first.ReplayPreset switch
        {
            ReplayPreset.Earliest => 0,
            ReplayPreset.Custom => state.PositionAfter(user.Org, topic, first.ReplayId),
            _ => state.Count(user.Org, topic),
        };
        if (position < 0)
        {
            throw PubSubState.Failure(StatusCode.InvalidArgument, "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted", "The Replay ID validation failed.");
        }

        state.CountSubscription();
        var pending = first.NumRequested;
        var gate = new object();
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Later FetchRequests only add to the number of events the client can take (flow control). The reader must have
        // stopped before the handler returns: the server reads the rest of the request itself then.
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(
            async () =>
            {
                while (await requestStream.MoveNext(stopReading.Token).ConfigureAwait(false))
                {
                    TaskCompletionSource wake;
                    lock (gate)
                    {
                        pending += requestStream.Current.NumRequested;
                        wake = more;
                        more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    wake.TrySetResult();
                }
            },
            stopReading.Token);

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Task changed = state.Changed;
                Task requested;
                int wanted;
                lock (gate)
                {
                    wanted = pending;
                    requested = more.Task;
                }

                var batch = wanted > 0 ? state.Read(user.Org, topic, position, Math.Min(wanted, MaxBatch)) : [];
                if (batch.Count == 0)
                {
                    // Nothing to send: wait for a publish, more demand, or the client leaving.
                    await Task.WhenAny(changed, requested, reader).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (reader.IsCompleted)
                    {
                        return;
                    }

                    continue;
                }

                // A stream lives as long as its session: a revoked or expired session ends it before the next event.
                state.Authenticate(context);
                var response = new FetchResponse { LatestReplayId = batch[^1].ReplayId, RpcId = Guid.NewGuid().ToString() };
                response.Events.AddRange(batch);
                lock (gate)
                {
                    pending -= batch.Count;
                    response.PendingNumRequested = pending;
                }

                position += batch.Count;
                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException)
            {
                // Stopped on purpose, or the client went away: the handler's own outcome is what the client gets.
            }
        }
    }
}
