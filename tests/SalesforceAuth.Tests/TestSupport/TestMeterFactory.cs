using System.Diagnostics.Metrics;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>A meter factory of one test: its meters (and so its measurements) are not shared with tests running beside it.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}
