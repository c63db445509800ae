namespace SalesforceAuth.Internal;

/// <summary>The names registered with <c>AddSalesforceClient</c> (filled through the options pattern).</summary>
internal sealed class SalesforceClientRegistry
{
    /// <summary>The registered names.</summary>
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
}
