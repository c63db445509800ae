using System.Collections;
using WorkerService;

// dotnet run --project samples/WorkerService
// Settings come from appsettings.json, user secrets (dotnet user-secrets set "Salesforce:Clients:worker:ClientId" ...)
// and environment variables (Salesforce__Clients__worker__ClientId, or the SF_* variables). With no org configured it
// runs against FakeSalesforce.
var environment = new Dictionary<string, string?>();
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = entry.Value as string;
}

using var cancellation = new CancellationTokenSource();
return await WorkerApp.RunAsync(Console.Out, environment, args, cancellation.Token);
