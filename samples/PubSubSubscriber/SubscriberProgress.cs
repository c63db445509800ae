namespace PubSubSubscriber;

/// <summary>How many events the subscriber has handled, so the emulated publisher can act between two of them.</summary>
public sealed class SubscriberProgress
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _handled;

    public void Handled()
    {
        List<TaskCompletionSource> reached;
        lock (_gate)
        {
            _handled++;
            reached = [.. _waiters.Where(w => w.Count <= _handled).Select(w => w.Reached)];
            _waiters.RemoveAll(w => w.Count <= _handled);
        }

        reached.ForEach(r => r.TrySetResult());
    }

    public Task WhenHandledAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_handled >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }
}
