namespace WorkerService;

/// <summary>The worker's own settings (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Time between two runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Stop the host after this many runs; 0 runs until stopped.</summary>
    public int Iterations { get; set; }
}
