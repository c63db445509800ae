using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth;
using SalesforceAuth.Testing;

// A consumer of the published packages: JWT bearer through the caching handler, against FakeSalesforce.
Console.WriteLine($"consumer: runtime {RuntimeInformation.FrameworkDescription}");
await using var salesforce = await FakeSalesforce.StartAsync();
using var keys = FakeSalesforceCertificates.CreateKeyPair("CN=consumer");
var org = salesforce.AddOrg("acme");
var user = org.AddUser("integration@acme.example");
var app = salesforce.AddConnectedApp(new FakeConnectedApp
{
    Certificate = keys.PublicCertificate,
    PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
});
app.PreAuthorizedUsers.Add(user);

var services = new ServiceCollection();

// The emulator speaks HTTPS with its own certificate authority: trust it (only it) on every client, the token back
// channel included, and keep the production settings (no AllowInsecureLoopback).
services.AddFakeSalesforceTrust(salesforce);
services.AddSalesforceClient("crm", o =>
{
    o.LoginUrl = salesforce.LoginUrl;
    o.ClientId = app.ConsumerKey;
    o.Username = user.Username;
    o.PrivateKeyPem = keys.PrivateKeyPem;
    o.CertificatePem = keys.CertificatePem;
}).AddHttpClient();

await using var provider = services.BuildServiceProvider();
var token = await provider.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm");
Console.WriteLine($"consumer: token acquired for {token.InstanceUrl}");

var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm");
using var response = await client.GetAsync("/services/data/v62.0/");
var landed = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) == org.InstanceUrl.GetLeftPart(UriPartial.Authority);
Console.WriteLine($"consumer: API call landed on the org's pod: {(landed ? (int)response.StatusCode : -1)}");
return response.IsSuccessStatusCode && landed ? 0 : 1;
