using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Tests;

/// <summary>The emulator running in process until <see cref="StopAsync"/> (Ctrl+C: the tool's cancellation).</summary>
internal sealed class EmulatorRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly FlushWatchingWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly Task<int> _run;

    private EmulatorRun(string[] args) =>
        _run = Task.Run(() => Program.RunAsync(args, TextWriter.Synchronized(_stdout), TextWriter.Synchronized(_stderr), new Dictionary<string, string?>(), _stop.Token), TestContext.Current.CancellationToken);

    /// <summary>Returns when the emulator has printed its settings (it flushes stdout once it listens), or fails if it exited first.</summary>
    public async Task WaitReadyAsync()
    {
        await Task.WhenAny(_stdout.Flushed, _run).WaitAsync(TestContext.Current.CancellationToken);
        Assert.True(_stdout.Flushed.IsCompleted, $"The emulator exited before it was ready: {_stderr}");
    }

    public string Stdout => _stdout.ToString();

    public JsonNode StdoutJson => JsonNode.Parse(Stdout)!;

    public static EmulatorRun Start(params string[] args) => new(args);

    /// <summary>The <c>SF_*</c> settings of the <c>--json</c> output.</summary>
    public Dictionary<string, string?> Environment =>
        StdoutJson["environment"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    public async Task<CliResult> StopAsync()
    {
        await _stop.CancelAsync();
        var exitCode = await _run;
        return new CliResult(exitCode, _stdout.ToString(), _stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }
}
