namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// The reliability scenarios run one at a time, after the parallel tests, so the soak's figures (calls/s, memory) and
/// the fault matrix's short attempt timeouts are not disturbed by other tests on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
