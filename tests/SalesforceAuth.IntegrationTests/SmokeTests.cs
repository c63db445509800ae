namespace SalesforceAuth.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public void FakeSalesforce_CanBeCreated() => Assert.NotNull(new SalesforceAuth.Testing.FakeSalesforce());
}
