namespace SalesforceAuth.IntegrationTests.EndToEnd;

/// <summary>
/// Test plumbing below the Salesforce handler (not a fake of it): once armed, holds the next <c>count</c> requests
/// until all of them have arrived, then lets them go together, so they reach the server with the same token at the
/// same time. Every later request (the retries) passes straight through.
/// </summary>
internal sealed class BarrierHandler(BarrierHandler.Barrier barrier) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await barrier.ArriveAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    internal sealed class Barrier
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;
        private int _arrived;

        public void Arm(int count) => Volatile.Write(ref _count, count);

        public Task ArriveAsync(CancellationToken cancellationToken)
        {
            var count = Volatile.Read(ref _count);
            if (count == 0)
            {
                return Task.CompletedTask;
            }

            var arrived = Interlocked.Increment(ref _arrived);
            if (arrived > count)
            {
                return Task.CompletedTask;
            }

            if (arrived == count)
            {
                _all.SetResult();
            }

            return _all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
