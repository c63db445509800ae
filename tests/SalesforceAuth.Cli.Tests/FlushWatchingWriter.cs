namespace SalesforceAuth.Cli.Tests;

/// <summary>stdout that completes <see cref="Flushed"/> on the first flush.</summary>
internal sealed class FlushWatchingWriter : StringWriter
{
    private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Flushed => _flushed.Task;

    public override void Flush()
    {
        base.Flush();
        _flushed.TrySetResult();
    }
}
