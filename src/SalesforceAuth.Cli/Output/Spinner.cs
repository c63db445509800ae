namespace SalesforceAuth.Cli.Output;

/// <summary>A terminal spinner for slow steps; does nothing when there is no terminal to draw on.</summary>
internal sealed class Spinner : IAsyncDisposable
{
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private readonly TextWriter? _writer;
    private readonly string _text;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public Spinner(TextWriter? writer, string text, TimeProvider timeProvider)
    {
        _writer = writer;
        _text = text;
        _loop = writer is null ? Task.CompletedTask : RunAsync(timeProvider, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        if (_writer is not null)
        {
            // Erase the spinner line so the real output starts on a clean line.
            await _writer.WriteAsync("\r\u001b[2K").ConfigureAwait(false);
            await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var frame = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _writer!.WriteAsync($"\r{Frames[frame++ % Frames.Length]} {_text}").ConfigureAwait(false);
                await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(80), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
