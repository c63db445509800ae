using Microsoft.Extensions.Diagnostics.HealthChecks;
using SalesforceAuth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a health check that a Salesforce connection can obtain a token.</summary>
public static class SalesforceHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that gets a token for the connection <paramref name="clientName"/> (a cached token counts,
    /// so a healthy service does not call Salesforce on every probe). It reports the failure status with the typed
    /// error's summary when no token can be obtained; the summary never holds a secret.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="clientName">The name given to <c>AddSalesforceClient</c>.</param>
    /// <param name="name">The health check's name; defaults to <c>salesforce-&lt;clientName&gt;</c>.</param>
    /// <param name="failureStatus">The status reported on failure; defaults to <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>, to select the check in a readiness endpoint.</param>
    /// <returns>The same builder.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddHealthChecks().AddSalesforce("crm", tags: ["ready"]);
    /// </code>
    /// </example>
    public static IHealthChecksBuilder AddSalesforce(this IHealthChecksBuilder builder, string clientName, string? name = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(clientName);
        return builder.Add(new HealthCheckRegistration(
            name ?? $"salesforce-{clientName}",
            sp => new SalesforceHealthCheck(sp.GetRequiredService<ISalesforceTokenProvider>(), clientName),
            failureStatus,
            tags));
    }

    private sealed class SalesforceHealthCheck(ISalesforceTokenProvider tokens, string clientName) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var token = await tokens.GetTokenAsync(clientName, cancellationToken: cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy($"Salesforce connection '{clientName}' has a token for {token.InstanceUrl.Host}.");
            }
            catch (SalesforceAuthenticationException ex)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"Salesforce connection '{clientName}': {ex.Reason}: {ex.Diagnosis.Summary}", ex);
            }
            catch (SalesforceConfigurationException ex)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"Salesforce connection '{clientName}': {ex.Message}", ex);
            }
        }
    }
}
