using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that moves its clock forward by every short timer it is asked for (retry delays,
/// short timeouts), so tests never sleep, and records those delays. Long timers stay put.
/// </summary>
internal sealed class DelayAdvancingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    public static readonly TimeSpan AdvanceUpTo = TimeSpan.FromSeconds(90);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public static DelayAdvancingTimeProvider StartingNow(TimeSpan offset = default) =>
        new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.Add(offset).ToUnixTimeSeconds()));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new AdvancingTimer(this, base.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(dueTime, period);
        return timer;
    }

    private void Scheduled(TimeSpan dueTime)
    {
        if (dueTime > TimeSpan.Zero && dueTime <= AdvanceUpTo)
        {
            Delays.Enqueue(dueTime);
            _ = Task.Run(() => Advance(dueTime));
        }
    }

    private sealed class AdvancingTimer(DelayAdvancingTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Scheduled(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
