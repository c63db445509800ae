namespace SalesforceAuth.Cli.Explain;

/// <summary>How much a finding matters: an error makes Salesforce refuse the assertion (exit 3), a warning is likely to
/// break it or a neighbour, an info is context.</summary>
internal enum FindingSeverity
{
    Info,
    Warn,
    Error,
}
