using Microsoft.Identity.Client;

namespace SalesforceAuth.Benchmarks.Infrastructure;

/// <summary>Makes Google.Apis.Auth send through an in-memory handler instead of the network.</summary>
public sealed class GoogleInMemoryHttpClientFactory(HttpMessageHandler handler) : Google.Apis.Http.HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(Google.Apis.Http.CreateHttpClientArgs args) => handler;
}

/// <summary>Makes MSAL.NET send through an in-memory handler instead of the network.</summary>
public sealed class MsalInMemoryHttpClientFactory(HttpMessageHandler handler) : IMsalHttpClientFactory
{
    private readonly HttpClient _client = new(handler, disposeHandler: false);

    public HttpClient GetHttpClient() => _client;
}
