namespace SalesforceAuth;

/// <summary>
/// Supplies the settings of connections known only at run time, such as one per customer org of a multi-tenant
/// service: given a connection id (a tenant id), the org's login URL or My Domain, flow, consumer key, user, signing
/// key and refresh token store. Asked once per connection; the answer is cached until the connection is trimmed as
/// idle, reloaded or removed (see <see cref="ISalesforceConnections"/>). Registered with
/// <c>services.AddSalesforceConnections(...)</c>; connections registered with <c>AddSalesforceClient(name)</c> are
/// found first and never asked for.
/// </summary>
public interface ISalesforceConnectionResolver
{
    /// <summary>Looks up the settings of one connection.</summary>
    /// <param name="connectionId">The connection id given to <c>SetSalesforceConnection</c> or <see cref="ISalesforceConnections"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The settings, or <see langword="null"/> when no connection has that id.</returns>
    ValueTask<SalesforceConnectionSettings?> ResolveAsync(string connectionId, CancellationToken cancellationToken);
}
