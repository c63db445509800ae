namespace SalesforceAuth.Benchmarks.Probe;

/// <summary>Gets a token, from cache or from the endpoint: what every probe caller calls.</summary>
public delegate ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

/// <summary>
/// A token provider under probe. <see cref="CreateAsync"/> builds a fresh one with a cold cache for the token endpoint
/// at the given login URL (and, for the Redis probe, the Redis connection string; null otherwise).
/// </summary>
/// <param name="Name">The name printed in the report and passed to child processes.</param>
/// <param name="CreateAsync">Builds a cold instance.</param>
/// <param name="IsFloor">The reference the harness ships with: the least any single-flight provider can do.</param>
public sealed record ProbeSubject(string Name, Func<Uri, string?, Task<ProbeClient>> CreateAsync, bool IsFloor = false);

/// <summary>One cold instance of a provider: the delegate, and what to dispose after the run.</summary>
public sealed class ProbeClient(GetTokenAsync getToken, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public GetTokenAsync GetToken { get; } = getToken;

    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
