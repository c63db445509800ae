using Microsoft.Extensions.Options;
using SalesforceAuth;

namespace WorkerService;

/// <summary>A hosted service that queries Salesforce on a schedule through the typed client.</summary>
public sealed class Worker(SalesforceApiClient salesforce, IOptions<WorkerOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<Worker> logger, SampleTranscript transcript) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        for (var run = 1; !stoppingToken.IsCancellationRequested; run++)
        {
            try
            {
                // The first run acquires a token; later runs reuse the cached one until it is close to expiring.
                var (count, sentTo) = await salesforce.QueryAsync("SELECT Id, Name FROM Account LIMIT 5", stoppingToken);
                logger.LogInformation("Run {Run}: {Count} accounts from {Host}", run, count, sentTo?.Authority);
                transcript.WriteLine($"run {run}: query returned {count} accounts, sent to {sentTo}");
            }
            catch (SalesforceAuthenticationException ex)
            {
                // A refusal is not transient unless Salesforce says so: log the diagnosis (never the token) and go on.
                logger.LogError("Run {Run}: Salesforce refused ({Reason}): {Diagnosis}", run, ex.Reason, ex.Diagnosis.Summary);
                transcript.WriteLine($"run {run}: refused, {ex.Reason}: {ex.Diagnosis.Summary}");
            }
            catch (SalesforceApiException ex)
            {
                logger.LogError("Run {Run}: API error {Status} {ErrorCode}", run, ex.StatusCode, ex.ErrorCode);
                transcript.WriteLine($"run {run}: API error {ex.StatusCode} {ex.ErrorCode}");
            }

            if (settings.Iterations > 0 && run >= settings.Iterations)
            {
                lifetime.StopApplication();
                return;
            }

            await Task.Delay(settings.Interval, time, stoppingToken);
        }
    }
}
