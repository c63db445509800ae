using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MultiTenantWorker;

// dotnet run --project samples/MultiTenantWorker [-- --Tenants:File=/path/tenants.json --Worker:Rounds=3]
// One HttpClient for every customer org; the orgs come from tenants.json, read again between rounds (edit it while the
// sample runs). With no tenant in the file it runs on FakeSalesforce with orgs it adds and removes itself.
var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
var rounds = int.TryParse(configuration["Worker:Rounds"], out var r) ? r : 3;
var file = new TenantFile(configuration["Tenants:File"] ?? Path.Combine(AppContext.BaseDirectory, "tenants.json"));
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

await using var emulator = file.Read().Count == 0 ? await Emulator.StartAsync(cancellation.Token) : null;
if (emulator is not null)
{
    Console.WriteLine("tenants.json lists no tenant: running on FakeSalesforce, a local emulator, with orgs added and removed as it runs.");
    file = new TenantFile(Path.Combine(Path.GetTempPath(), $"salesforceauth-tenants-{Guid.NewGuid():N}.json"));
    file.Write([]);
}

var services = new ServiceCollection();

// The tenants' settings are resolved at run time, once each; idle tenants are dropped after 30 minutes by default
// (Salesforce:Connections:IdleTimeout) and resolved again when seen again.
services.AddSalesforceConnections(_ => file);
services.AddHttpClient("salesforce").AddSalesforceTokenHandler();
await using (var provider = services.BuildServiceProvider())
{
    var worker = new Worker(
        provider.GetRequiredService<IHttpClientFactory>(),
        provider.GetRequiredService<SalesforceAuth.ISalesforceConnections>(),
        file,
        Console.Out,
        emulator,
        rounds);
    await worker.RunAsync(cancellation.Token);
}

if (emulator is not null)
{
    File.Delete(file.Path);
}
