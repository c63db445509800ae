namespace SalesforceAuth.Testing;

/// <summary>A snapshot of the emulator's counters; see <see cref="FakeSalesforce.Counters"/>.</summary>
public sealed class FakeSalesforceCounters
{
    internal FakeSalesforceCounters(
        IReadOnlyDictionary<(string GrantType, string Outcome), int> tokenRequests,
        IReadOnlyDictionary<(string Pod, int StatusCode), int> apiCalls)
    {
        TokenRequestsByGrantAndOutcome = tokenRequests;
        ApiCallsByPodAndStatus = apiCalls;
    }

    /// <summary>Token endpoint requests by <c>grant_type</c> as sent (empty when missing) and outcome: <c>success</c>, the
    /// OAuth <c>error</c> code, <c>fault</c> for an injected fault, or <c>aborted</c> when the client went away before the
    /// answer (for example during a <see cref="FakeFault.Delayed"/> wait).</summary>
    public IReadOnlyDictionary<(string GrantType, string Outcome), int> TokenRequestsByGrantAndOutcome { get; }

    /// <summary>REST API requests by pod and HTTP status.</summary>
    public IReadOnlyDictionary<(string Pod, int StatusCode), int> ApiCallsByPodAndStatus { get; }

    /// <summary>Counts token requests matching the filters.</summary>
    /// <param name="grantType">The <c>grant_type</c> as sent, or <see langword="null"/> for any.</param>
    /// <param name="outcome"><c>success</c>, an error code, <c>fault</c>, or <see langword="null"/> for any.</param>
    /// <returns>The count.</returns>
    public int TokenRequests(string? grantType = null, string? outcome = null) =>
        TokenRequestsByGrantAndOutcome
            .Where(p => (grantType is null || p.Key.GrantType == grantType) && (outcome is null || p.Key.Outcome == outcome))
            .Sum(p => p.Value);

    /// <summary>Counts REST API requests matching the filters.</summary>
    /// <param name="pod">The pod name, or <see langword="null"/> for any.</param>
    /// <param name="statusCode">The status code, or <see langword="null"/> for any.</param>
    /// <returns>The count.</returns>
    public int ApiCalls(string? pod = null, int? statusCode = null) =>
        ApiCallsByPodAndStatus
            .Where(p => (pod is null || p.Key.Pod == pod) && (statusCode is null || p.Key.StatusCode == statusCode))
            .Sum(p => p.Value);
}
