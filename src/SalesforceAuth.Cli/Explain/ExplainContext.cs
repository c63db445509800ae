using System.Security.Cryptography.X509Certificates;

namespace SalesforceAuth.Cli.Explain;

/// <summary>What an assertion is checked against: the options the user gave (each optional) and the current time.</summary>
internal sealed record ExplainContext(DateTimeOffset Now)
{
    public Uri? LoginUrl { get; init; }

    public string? Audience { get; init; }

    public string? ClientId { get; init; }

    public string? Username { get; init; }

    public X509Certificate2? Certificate { get; init; }
}
