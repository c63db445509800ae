using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SalesforceAuth;
using SalesforceAuth.Http;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;
using SalesforceAuth.Tokens.Endpoint;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Salesforce connections and their authenticated <see cref="HttpClient"/>s.</summary>
public static class SalesforceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a named Salesforce connection. Its settings are bound from <c>Salesforce:Clients:&lt;name&gt;</c> when an
    /// <see cref="IConfiguration"/> is registered, then <paramref name="configure"/> runs, and they are validated when
    /// the host starts. Chain <see cref="AddHttpClient(ISalesforceClientBuilder)"/> for an authenticated client, or use
    /// <see cref="ISalesforceTokenProvider"/> for tokens.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The connection name.</param>
    /// <param name="configure">Settings in code (run after configuration binding).</param>
    /// <returns>A builder for the connection.</returns>
    /// <example>
    /// <code>
    /// // appsettings.json: "Salesforce": { "Clients": { "crm": { "ClientId": "3MVG9...", "Username": "integration@acme.com", "PrivateKeyPath": "/run/secrets/sf.key" } } }
    /// builder.Services.AddSalesforceClient("crm").AddHttpClient();
    ///
    /// var client = httpClientFactory.CreateClient("crm");
    /// using var response = await client.GetAsync("/services/data/v62.0/sobjects/Account", cancellationToken);
    /// await response.EnsureSalesforceSuccessAsync(cancellationToken);
    /// </code>
    /// </example>
    public static ISalesforceClientBuilder AddSalesforceClient(this IServiceCollection services, string name, Action<SalesforceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddClient(services, name, sp => sp.GetService<IConfiguration>()?.GetSection(BindSalesforceClientOptions.SectionPrefix + name), configure);
    }

    /// <summary>
    /// Registers a named Salesforce connection bound from <c>Salesforce:Clients:&lt;name&gt;</c> (when an
    /// <see cref="IConfiguration"/> is registered) and validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The connection name.</param>
    /// <returns>A builder for the connection.</returns>
    public static ISalesforceClientBuilder AddSalesforceClient(this IServiceCollection services, string name) =>
        AddClient(services, name, sp => sp.GetService<IConfiguration>()?.GetSection(BindSalesforceClientOptions.SectionPrefix + name), configure: null);

    /// <summary>
    /// Registers a named Salesforce connection bound from <paramref name="configuration"/> instead of
    /// <c>Salesforce:Clients:{name}</c> (the keys are the same: <c>ClientId</c>, <c>Username</c>, <c>LoginUrl</c>, …).
    /// Settings are validated at startup like those of the other overloads.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The connection name.</param>
    /// <param name="configuration">The connection's configuration section.</param>
    /// <param name="configure">Settings in code (run after configuration binding), or <see langword="null"/>.</param>
    /// <returns>A builder for the connection.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddSalesforceClient("crm", builder.Configuration.GetSection("Crm:Salesforce")).AddHttpClient();
    /// </code>
    /// </example>
    public static ISalesforceClientBuilder AddSalesforceClient(this IServiceCollection services, string name, IConfigurationSection configuration, Action<SalesforceClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddClient(services, name, _ => configuration, configure);
    }

    private static SalesforceClientBuilder AddClient(IServiceCollection services, string name, Func<IServiceProvider, IConfigurationSection?> section, Action<SalesforceClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddCore(services);
        services.Configure<SalesforceClientRegistry>(r => r.Names.Add(name));
        services.AddSingleton<IConfigureOptions<SalesforceClientOptions>>(sp => new BindSalesforceClientOptions(name, section(sp)));
        var options = services.AddOptions<SalesforceClientOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return new SalesforceClientBuilder(name, services);
    }

    /// <summary>
    /// Registers a named <see cref="HttpClient"/> (named like the connection) that authenticates as the connection and
    /// sends requests to its token's <c>instance_url</c>: <c>client.GetAsync("/services/data/v62.0/limits")</c>.
    /// </summary>
    /// <param name="builder">The connection.</param>
    /// <returns>The HTTP client builder, to add more handlers (for example resilience).</returns>
    public static IHttpClientBuilder AddHttpClient(this ISalesforceClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddHttpClient(builder.Name).AddSalesforceTokenHandler(builder.Name);
    }

    /// <summary>Registers a typed client whose <see cref="HttpClient"/> authenticates as the connection.</summary>
    /// <typeparam name="TClient">The typed client; it receives an <see cref="HttpClient"/> in its constructor.</typeparam>
    /// <param name="builder">The connection.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddHttpClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this ISalesforceClientBuilder builder)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddHttpClient<TClient>().AddSalesforceTokenHandler(builder.Name);
    }

    /// <summary>
    /// Adds Salesforce authentication to any <see cref="HttpClient"/> (named or typed): the bearer token of the
    /// connection <paramref name="clientName"/>, requests rewritten to its <c>instance_url</c>, one session renewal on
    /// <c>401 INVALID_SESSION_ID</c>, and requests to any other host refused. A client without a base address gets a
    /// placeholder (<c>https://salesforce.invalid/</c>) so relative URIs work; it is always replaced before sending.
    /// </summary>
    /// <param name="builder">The HTTP client builder.</param>
    /// <param name="clientName">The name given to <see cref="AddSalesforceClient(IServiceCollection, string, Action{SalesforceClientOptions})"/>.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddSalesforceTokenHandler(this IHttpClientBuilder builder, string clientName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(clientName);
        AddAuthenticationHandler(builder, clientName);
        return builder;
    }

    /// <summary>
    /// Adds Salesforce authentication to an <see cref="HttpClient"/> shared by many connections: each request names
    /// its connection with <see cref="SalesforceRequestOptions.SetSalesforceConnection"/> (a name given to
    /// <see cref="AddSalesforceClient(IServiceCollection, string)"/>, or an id the resolver registered with
    /// <see cref="SalesforceConnectionsServiceCollectionExtensions.AddSalesforceConnections(IServiceCollection, Func{IServiceProvider, ISalesforceConnectionResolver}, Action{SalesforceConnectionsOptions})"/>
    /// knows) and gets that connection's token, <c>instance_url</c>, renewal and errors. A request that names none fails.
    /// </summary>
    /// <param name="builder">The HTTP client builder.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddSalesforceTokenHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddAuthenticationHandler(builder, clientName: null);
        return builder;
    }

    /// <summary>
    /// Registers where the connection's refresh flow reads its current refresh token and saves rotated ones (reference
    /// Salesforce Help knowledge article 005316711 (refresh token rotation), https://help.salesforce.com/s/articleView?id=005316711&amp;type=1: with refresh token rotation the new token is saved, and the save awaited, before the new access token is
    /// used). Without it the refresh token lives in memory, seeded from <see cref="SalesforceClientOptions.RefreshToken"/>;
    /// with it <see cref="SalesforceClientOptions.RefreshToken"/> is optional (used only while the store holds none).
    /// </summary>
    /// <param name="builder">The connection.</param>
    /// <param name="factory">Creates the store (once, as a singleton for this connection).</param>
    /// <returns>The same builder.</returns>
    public static ISalesforceClientBuilder AddRefreshTokenStore(this ISalesforceClientBuilder builder, Func<IServiceProvider, ISalesforceRefreshTokenStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddKeyedSingleton(builder.Name, (sp, _) => factory(sp));
        builder.Services.Configure<SalesforceClientOptions>(builder.Name, o => o.HasRefreshTokenStore = true);
        return builder;
    }

    /// <summary>
    /// Shares tokens between the instances of a service through the registered <see cref="IDistributedCache"/> (register
    /// one first, for example with <c>AddStackExchangeRedisCache</c>, or use <c>AddSalesforceRedis</c>). Entries are
    /// encrypted with AES-256-GCM under <see cref="SalesforceDistributedCacheOptions.EncryptionKey"/>; settings are bound
    /// from <c>Salesforce:DistributedCache</c> when an <see cref="IConfiguration"/> is registered. An outage of the cache
    /// falls back to the in-process cache and never fails a call.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Settings in code, or <see langword="null"/>.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddSalesforceDistributedCache(this IServiceCollection services, Action<SalesforceDistributedCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        services.AddSingleton<IConfigureOptions<SalesforceDistributedCacheOptions>>(sp => new ConfigureOptions<SalesforceDistributedCacheOptions>(
            o => sp.GetService<IConfiguration>()?.GetSection("Salesforce:DistributedCache").Bind(o)));
        var options = services.AddOptions<SalesforceDistributedCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(
                o => DistributedTokenStore.IsValidKey(o.EncryptionKey),
                "Salesforce:DistributedCache:EncryptionKey must be 32 random bytes in Base64 (for example the output of 'openssl rand -base64 32'), the same on every instance.")
            .Validate(
                o => o.OperationTimeout > TimeSpan.Zero && o.OperationTimeout <= TimeSpan.FromMinutes(1),
                "Salesforce:DistributedCache:OperationTimeout must be more than zero and at most 1 minute (for example 00:00:02).")
            .Validate(
                o => o.FailureBackoff >= TimeSpan.Zero,
                "Salesforce:DistributedCache:FailureBackoff must not be negative (for example 00:00:30).")
            .Validate(
                o => o.LockWait >= TimeSpan.Zero && o.LockWait <= TimeSpan.FromMinutes(1),
                "Salesforce:DistributedCache:LockWait must be between zero (do not wait) and 1 minute (for example 00:00:10).")
            .ValidateOnStart();

        // The cache of AddSalesforceDistributedCacheStore when there is one, the application's otherwise.
        services.TryAddSingleton<ITokenSecondLevel>(sp => new DistributedTokenStore(
            sp.GetKeyedService<IDistributedCache>(OwnDistributedCacheKey) ?? sp.GetRequiredService<IDistributedCache>(),
            sp.GetRequiredService<IOptions<SalesforceDistributedCacheOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<DistributedTokenStore>(),
            sp.GetService<ISalesforceTokenLock>()));
        return services;
    }

    /// <summary>
    /// Makes <see cref="AddSalesforceDistributedCache"/> keep the shared tokens in a cache of SalesforceAuth's own instead
    /// of the application's <see cref="IDistributedCache"/> (which is then neither needed nor touched): the seam a package
    /// for another store plugs into, as SalesforceAuth.StackExchangeRedis does for Redis. When the cache is an
    /// <see cref="ISalesforceDistributedCache"/>, tokens Salesforce rejected are removed from it atomically; add a lock
    /// with <see cref="AddSalesforceTokenLock"/> so that a cold fleet makes one token request. The cache only ever sees
    /// encrypted entries under hashed keys. The last cache registered wins.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="cacheFactory">Creates the cache, once.</param>
    /// <returns>The same services.</returns>
    /// <example>
    /// <code>
    /// services.AddSalesforceDistributedCache(o => o.EncryptionKey = key)
    ///     .AddSalesforceDistributedCacheStore(sp => new MyStoreCache(...))
    ///     .AddSalesforceTokenLock(sp => new MyStoreLock(...));
    /// </code>
    /// </example>
    public static IServiceCollection AddSalesforceDistributedCacheStore(this IServiceCollection services, Func<IServiceProvider, IDistributedCache> cacheFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(cacheFactory);
        services.RemoveAllKeyed<IDistributedCache>(OwnDistributedCacheKey);
        services.AddKeyedSingleton(OwnDistributedCacheKey, (sp, _) => cacheFactory(sp));
        return services;
    }

    /// <summary>
    /// Registers the lock the instances of a service take around token acquisition, so that of all the instances missing
    /// a token only one asks Salesforce and the others take its token from the distributed cache (see
    /// <see cref="ISalesforceTokenLock"/> for what a lock must guarantee). Used only with
    /// <see cref="AddSalesforceDistributedCache"/>. The last lock registered wins.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="lockFactory">Creates the lock, once.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddSalesforceTokenLock(this IServiceCollection services, Func<IServiceProvider, ISalesforceTokenLock> lockFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(lockFactory);
        services.RemoveAll<ISalesforceTokenLock>();
        services.AddSingleton(lockFactory);
        return services;
    }

    /// <summary>The service key of the cache given to <see cref="AddSalesforceDistributedCacheStore"/>: private, so nothing else resolves it.</summary>
    private static readonly object OwnDistributedCacheKey = new();

    private static void AddAuthenticationHandler(IHttpClientBuilder builder, string? clientName)
    {
        AddCore(builder.Services);
        builder.ConfigureHttpClient(client => client.BaseAddress ??= SalesforceAuthenticationHandler.PlaceholderBaseAddress);

        // The primary handler below ours would follow a redirect out of our sight: .NET drops the Authorization header,
        // but still sends the request (with the body, for 307/308) to whatever host the Location names and returns that
        // host's answer as if it were Salesforce's. The REST API does not redirect (legacy hostname
        // redirections ended in Spring '26; Salesforce Help on My Domain and enhanced domains,
        // https://help.salesforce.com/s/articleView?id=xcloud.domain_name_plan_recommendations.htm&type=5), so the caller gets the 3xx itself and nothing goes to another host. The handler also
        // refuses an answer from another host, for primary handlers this cannot switch off.
        DisableAutomaticRedirects(builder.Services, builder.Name);
        RedactAuthorizationInLogs(builder.Services, builder.Name);

        // A new handler per factory call (handlers are pooled and rotated); all state lives in the singleton provider.
        builder.AddHttpMessageHandler(sp => new SalesforceAuthenticationHandler(
            clientName is null ? null : sp.GetRequiredService<SalesforceTokenProvider>().GetManager(clientName),
            sp.GetRequiredService<SalesforceConnectionRegistry>(),
            sp.GetRequiredService<SalesforceMetrics>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("SalesforceAuth.Http")));
    }

    /// <summary>
    /// Turns automatic redirects off on the primary handler of the named client, whatever handler it ends up with:
    /// the action is added when the options are post-configured, so it runs after every
    /// <c>ConfigurePrimaryHttpMessageHandler</c> and <c>ConfigureHttpClientDefaults</c>, in whatever order they were registered.
    /// </summary>
    private static void DisableAutomaticRedirects(IServiceCollection services, string clientName) =>
        services.PostConfigure<HttpClientFactoryOptions>(clientName, options => options.HttpMessageHandlerBuilderActions.Add(
            builder => DisableAutomaticRedirects(builder.PrimaryHandler, clientName)));

    private static void DisableAutomaticRedirects(HttpMessageHandler? handler, string clientName)
    {
        // A primary handler may itself wrap the one that talks to the network.
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        try
        {
            switch (handler)
            {
                case HttpClientHandler { AllowAutoRedirect: true } clientHandler:
                    clientHandler.AllowAutoRedirect = false;
                    break;
                case SocketsHttpHandler { AllowAutoRedirect: true } socketsHandler:
                    socketsHandler.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            // A handler instance shared between clients and already used: its settings can no longer change.
            throw new SalesforceConfigurationException("PrimaryHttpMessageHandler", $"The primary HTTP handler of the client '{clientName}' follows redirects and is already in use, so they cannot be turned off: return a new handler from ConfigurePrimaryHttpMessageHandler (handlers are pooled), with AllowAutoRedirect = false.", ex);
        }
    }

    internal static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SalesforceTokenProvider)))
        {
            return;
        }

        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SalesforceTokenCache(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SalesforceConnectionsOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger("SalesforceAuth.Connections")));
        services.TryAddSingleton(sp => new SalesforceMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<TokenClientRegistry>();

        // A cache miss asks the connection's token client; tests replace this registration with fakes.
        services.TryAddKeyedSingleton<ISalesforceTokenSource>(KeyedService.AnyKey, static (sp, key) =>
        {
            var name = (string)key!;
            return sp.GetRequiredService<TokenClientRegistry>().GetOrCreate(name, sp.GetRequiredService<IOptionsMonitor<SalesforceClientOptions>>().Get(name));
        });
        services.TryAddSingleton<SalesforceTokenProvider>();
        services.TryAddSingleton<ISalesforceTokenProvider>(sp => sp.GetRequiredService<SalesforceTokenProvider>());
        services.TryAddSingleton<SalesforceConnectionRegistry>();
        services.TryAddSingleton<ISalesforceConnections>(sp => sp.GetRequiredService<SalesforceConnectionRegistry>());
        SalesforceConnectionsServiceCollectionExtensions.AddConnectionsOptions(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SalesforceClientOptions>, SalesforceClientOptionsValidator>());

        services.AddHttpClient(TokenClientRegistry.BackchannelClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,

                // The token client lives as long as its connection: recycle connections so DNS changes are seen.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        // Redirects of the token endpoint are followed by TokenEndpointClient (same POST, trusted hosts only), never by
        // the primary handler, even when an application configures the primary handler of every client.
        DisableAutomaticRedirects(services, TokenClientRegistry.BackchannelClientName);

        // Client credentials go out as an HTTP Basic Authorization header on this client.
        RedactAuthorizationInLogs(services, TokenClientRegistry.BackchannelClientName);
    }

    /// <summary>
    /// Keeps the Authorization header (a bearer token, or Basic client credentials) out of IHttpClientFactory's
    /// Trace logs. Microsoft.Extensions.Http 9.0 and later redact every header value by default, but 8.0.x, which a
    /// .NET 8 app gets, logs them as sent unless told otherwise. Post-configured so it holds whatever predicate the
    /// application sets for the same client; the application's own choices for other headers still apply.
    /// </summary>
    private static void RedactAuthorizationInLogs(IServiceCollection services, string httpClientName) =>
        services.PostConfigure<HttpClientFactoryOptions>(httpClientName, static options =>
        {
            var configured = options.ShouldRedactHeaderValue;
            options.ShouldRedactHeaderValue = header =>
                string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase) || configured(header);
        });
}
