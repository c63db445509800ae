using SalesforceAuth;

namespace MultiTenantWorker;

/// <summary>
/// Calls every tenant's org in rounds through one <see cref="HttpClient"/>, picking up tenants.json between rounds: a
/// new tenant is simply called (resolved at its first call), a changed one is reloaded, a removed one is removed with
/// its tokens revoked. On the emulator the sample edits the file itself: a customer joins before round 2 and one
/// leaves before round 3.
/// </summary>
public sealed class Worker(IHttpClientFactory httpClientFactory, ISalesforceConnections connections, TenantFile tenants, TextWriter output, Emulator? emulator, int rounds)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient("salesforce");
        var known = new Dictionary<string, Tenant>(StringComparer.Ordinal);
        for (var round = 1; round <= rounds; round++)
        {
            if (emulator is not null)
            {
                EditTenantsFile(round);
            }

            var current = tenants.Read();
            foreach (var (id, before) in known)
            {
                if (!current.TryGetValue(id, out var now))
                {
                    await connections.RemoveAsync(id, revokeTokens: true, cancellationToken);
                    output.WriteLine($"round {round}: {id} left, its tokens revoked");
                }
                else if (now != before)
                {
                    connections.Reload(id);
                    output.WriteLine($"round {round}: {id} changed, reloaded");
                }
            }

            known = new Dictionary<string, Tenant>(current, StringComparer.Ordinal);
            foreach (var id in current.Keys.Order(StringComparer.Ordinal))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/sobjects").SetSalesforceConnection(id);
                try
                {
                    using var response = await client.SendAsync(request, cancellationToken);
                    output.WriteLine($"round {round}: {id} -> {(int)response.StatusCode} from {response.RequestMessage?.RequestUri?.Authority}");
                }
                catch (SalesforceAuthenticationException ex)
                {
                    // One tenant's refusal (a revoked app, a deactivated user) never stops the others.
                    output.WriteLine($"round {round}: {id} refused, {ex.Reason}: {ex.Diagnosis.Summary}");
                }
                catch (SalesforceConfigurationException ex)
                {
                    output.WriteLine($"round {round}: {id} misconfigured: {ex.Message}");
                }
            }

            output.WriteLine($"round {round}: {connections.Count} tenant connection(s) held");
        }
    }

    private void EditTenantsFile(int round)
    {
        var current = tenants.Read().Values.ToList();
        switch (round)
        {
            case 1:
                tenants.Write([emulator!.AddCustomer("acme", "na1"), emulator.AddCustomer("globex", "eu2"), emulator.AddCustomer("initech", "ap3")]);
                break;
            case 2:
                tenants.Write([.. current, emulator!.AddCustomer("hooli", "na9")]);
                output.WriteLine("(hooli added to tenants.json)");
                break;
            case 3:
                tenants.Write(current.Where(t => t.Id != "globex"));
                output.WriteLine("(globex removed from tenants.json)");
                break;
        }
    }
}
