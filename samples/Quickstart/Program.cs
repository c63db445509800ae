using System.Collections;
using Quickstart;

// dotnet run --project samples/Quickstart
// With no SF_* variables it runs against FakeSalesforce, a local emulator; with SF_LOGIN_URL, SF_CLIENT_ID,
// SF_USERNAME and SF_PRIVATE_KEY set it runs the same steps against your org.
var environment = new Dictionary<string, string?>();
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = entry.Value as string;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await QuickstartApp.RunAsync(Console.Out, environment, cancellation.Token);
