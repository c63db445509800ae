namespace SalesforceAuth.Testing;

/// <summary>An in-process emulator of Salesforce's OAuth endpoints and REST API pods over loopback sockets.</summary>
public sealed class FakeSalesforce
{
}
