using SalesforceAuth.Samples;
using WorkerService;

// dotnet run --project samples/WorkerService
// The worker runs until stopped: Ctrl+C (or SIGTERM) stops it cleanly. To stop by itself after N runs:
//   dotnet run --project samples/WorkerService -- --Worker:Iterations=3 --Worker:Interval=00:00:05
// Settings come from appsettings.json, user secrets (dotnet user-secrets set "Salesforce:Clients:worker:ClientId" ...)
// and environment variables (Salesforce__Clients__worker__ClientId, or the SF_* variables). With no org configured it
// runs against FakeSalesforce.
return await SampleConsole.RunAsync(WorkerApp.RunAsync, args);
