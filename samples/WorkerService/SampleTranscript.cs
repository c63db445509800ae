namespace WorkerService;

/// <summary>A line-by-line transcript of what the worker did, for the console (and for the sample's test).</summary>
public sealed class SampleTranscript(TextWriter output)
{
    private readonly Lock _gate = new();

    public void WriteLine(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
        }
    }
}
