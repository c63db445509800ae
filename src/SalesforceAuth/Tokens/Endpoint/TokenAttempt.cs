using SalesforceAuth.Tokens.Grants;

namespace SalesforceAuth.Tokens.Endpoint;

/// <summary>
/// The latest attempt of one token acquisition, kept in the resilience context (immutable: each attempt replaces it):
/// how many attempts were made, the request the latest one sent (its assertion explains a refusal; a rotating refresh
/// is not retryable), and whether the clock-skew retry has already sent a fresh assertion.
/// </summary>
/// <param name="Number">The attempt number, from 1; 0 before the first.</param>
/// <param name="Request">The request of the latest attempt, once built.</param>
/// <param name="RetriedWithFreshAssertion">Whether an <c>expired authorization code</c> was answered by a fresh assertion.</param>
internal sealed record TokenAttempt(int Number, TokenGrantRequest? Request, bool RetriedWithFreshAssertion)
{
    /// <summary>Before the first attempt.</summary>
    public static TokenAttempt None { get; } = new(0, null, false);
}
