using Microsoft.Extensions.Http;
using SalesforceAuth.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Points an application's <see cref="HttpClient"/>s at a <see cref="FakeSalesforce"/> over HTTPS.</summary>
public static class FakeSalesforceServiceCollectionExtensions
{
    /// <summary>
    /// Makes every <see cref="HttpClient"/> from <c>IHttpClientFactory</c> trust the certificate authority of
    /// <paramref name="salesforce"/> and nothing else (see <see cref="FakeSalesforce.CertificateAuthority"/>): named and
    /// typed clients, and clients a library registers for itself, such as SalesforceAuth's token back channel. Each
    /// client keeps its own primary handler and settings (redirects, pooling); only its server certificate validation
    /// changes. Nothing changes when the emulator serves plain HTTP.
    /// </summary>
    /// <remarks>
    /// A post-configuration, so it reaches the primary handler a client ends up with, whatever registered it and in which
    /// order; <c>ConfigureHttpClientDefaults</c> would not, because a client's own <c>ConfigurePrimaryHttpMessageHandler</c>
    /// replaces the default one. The primary handler must be a <see cref="SocketsHttpHandler"/> or an
    /// <see cref="HttpClientHandler"/> (possibly under delegating handlers); another type fails when the client is created.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="salesforce">The running emulator.</param>
    /// <returns>The same services.</returns>
    /// <example>
    /// <code>
    /// services.AddFakeSalesforceTrust(salesforce);
    /// services.AddSalesforceClient("crm", o => o.LoginUrl = salesforce.LoginUrl /* and the app's settings */).AddHttpClient();
    /// </code>
    /// </example>
    public static IServiceCollection AddFakeSalesforceTrust(this IServiceCollection services, FakeSalesforce salesforce)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(salesforce);
        services.PostConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(
            builder => salesforce.Trust(builder.PrimaryHandler)));
        return services;
    }
}
