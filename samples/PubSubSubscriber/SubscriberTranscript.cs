namespace PubSubSubscriber;

/// <summary>What the subscriber did, line by line, for the console (and for the sample's test).</summary>
public sealed class SubscriberTranscript(TextWriter output)
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
