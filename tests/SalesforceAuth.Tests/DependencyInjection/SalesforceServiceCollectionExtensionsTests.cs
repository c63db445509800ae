using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SalesforceAuth.Http;
using SalesforceAuth.Tests.Http;
using SalesforceAuth.Tests.TestSupport;
using SalesforceAuth.Tests.Tokens;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Endpoint;

namespace SalesforceAuth.Tests.DependencyInjection;

public sealed class SalesforceServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSalesforceClient_BindsNamedOptionsFromConfigurationThenCode()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Salesforce:Clients:crm:ClientId"] = "3MVG9fromconfig",
            ["Salesforce:Clients:crm:Username"] = "integration@acme.com",
            ["Salesforce:Clients:crm:LoginUrl"] = "https://acme.my.salesforce.com",
            ["Salesforce:Clients:crm:SessionLifetime"] = "00:50:00",
            ["Salesforce:Clients:crm:Flow"] = "ClientCredentials",
            ["Salesforce:Clients:crm:ClientSecret"] = "not-a-real-secret",
            ["Salesforce:Clients:other:ClientId"] = "3MVG9other",
            ["Salesforce:Clients:other:Flow"] = "ClientCredentials",
            ["Salesforce:Clients:other:ClientSecret"] = "not-a-real-secret",
            ["Salesforce:Clients:other:LoginUrl"] = "https://other.my.salesforce.com",
        }).Build());
        services.AddSalesforceClient("crm", o => o.Username = "override@acme.com");
        services.AddSalesforceClient("other");
        using var provider = services.BuildServiceProvider();

        var monitor = provider.GetRequiredService<IOptionsMonitor<SalesforceClientOptions>>();
        var crm = monitor.Get("crm");
        var other = monitor.Get("other");

        Assert.Equal("3MVG9fromconfig", crm.ClientId);
        Assert.Equal("override@acme.com", crm.Username);
        Assert.Equal(new Uri("https://acme.my.salesforce.com"), crm.LoginUrl);
        Assert.Equal(TimeSpan.FromMinutes(50), crm.SessionLifetime);
        Assert.Equal(SalesforceFlow.ClientCredentials, crm.Flow);
        Assert.Equal("3MVG9other", other.ClientId);
    }

    [Fact]
    public async Task AddHttpClient_NamedClient_AuthenticatesAndRewritesRelativeUris()
    {
        var (provider, source, terminal) = Build(services => services.AddSalesforceClient("crm", Configure).AddHttpClient());
        using (provider)
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm");

            using var response = await client.GetAsync("/services/data/v62.0/sobjects/Account", TestContext.Current.CancellationToken);

            var (uri, auth) = Assert.Single(terminal.Sent);
            Assert.Equal("https://pod1.my.salesforce.com/services/data/v62.0/sobjects/Account", uri.AbsoluteUri);
            Assert.Equal(FakeTokenSource.TokenValue(1), auth?.Parameter);
            Assert.Equal(1, source.Calls);
        }
    }

    [Fact]
    public async Task AddHttpClient_TraceLogging_RedactsTheAuthorizationHeaderAndKeepsTheAppsOtherChoices()
    {
        // Microsoft.Extensions.Http 8.0.x (what a net8.0 app gets) logs header values unless told otherwise, and an
        // application's own RedactLoggedHeaders replaces even the 9.0+ redact-everything default: either way the
        // bearer token must not reach a Trace log.
        var logs = new CapturingLoggerFactory();
        var (provider, _, _) = Build(services =>
        {
            services.AddSingleton<ILoggerFactory>(logs);
            services.AddSalesforceClient("crm", Configure).AddHttpClient().RedactLoggedHeaders(header => header == "X-Private");
        });
        using (provider)
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/");
            request.Headers.Add("X-Private", "private-value");
            request.Headers.Add("X-Trace", "trace-value");

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            var text = string.Join("\n", logs.AllText);
            Assert.Contains("Authorization", text, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeTokenSource.TokenValue(1), text, StringComparison.Ordinal);
            Assert.DoesNotContain("private-value", text, StringComparison.Ordinal);
            Assert.Contains("trace-value", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddHttpClient_TypedClient_Authenticates()
    {
        var (provider, _, terminal) = Build(services => services.AddSalesforceClient("crm", Configure).AddHttpClient<AccountsClient>());
        using (provider)
        {
            var accounts = provider.GetRequiredService<AccountsClient>();

            var status = await accounts.GetAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("pod1.my.salesforce.com", Assert.Single(terminal.Sent).Uri.Host);
        }
    }

    [Fact]
    public async Task AddSalesforceAuthentication_OnOwnClient_SharesTheConnectionToken()
    {
        var (provider, source, terminal) = Build(services =>
        {
            services.AddSalesforceClient("crm", Configure).AddHttpClient();
            services.AddHttpClient("mine").AddSalesforceTokenHandler("crm");
        });
        using (provider)
        {
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            using var a = await factory.CreateClient("crm").GetAsync("/a", TestContext.Current.CancellationToken);
            using var b = await factory.CreateClient("mine").GetAsync("/b", TestContext.Current.CancellationToken);

            Assert.Equal(2, terminal.Sent.Count);
            Assert.Equal(1, source.Calls);
        }
    }

    [Fact]
    public async Task TokenProvider_GetTokenAsync_CachesAndRenewTokenAsyncReplacesTheRejectedTokenOnce()
    {
        var (provider, source, _) = Build(services => services.AddSalesforceClient("crm", Configure));
        using (provider)
        {
            var tokens = provider.GetRequiredService<ISalesforceTokenProvider>();

            var first = await tokens.GetTokenAsync("crm", cancellationToken: TestContext.Current.CancellationToken);
            var cached = await tokens.GetTokenAsync("crm", cancellationToken: TestContext.Current.CancellationToken);
            var renewed = await tokens.RenewTokenAsync("crm", first, cancellationToken: TestContext.Current.CancellationToken);

            // A caller refused with the same token later gets the replacement, without another token request.
            var again = await tokens.RenewTokenAsync("crm", first, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Same(first, cached);
            Assert.Equal(FakeTokenSource.TokenValue(2), renewed.AccessToken);
            Assert.Same(renewed, again);
            Assert.Equal(2, source.Calls);
            Assert.False(tokens.InvalidateToken("crm", first));
            Assert.True(tokens.InvalidateToken("crm", renewed));
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await tokens.GetTokenAsync("nope", cancellationToken: TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void Backchannel_HasNoSalesforceHandlerAndNoAutomaticRedirects()
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", Configure).AddHttpClient();
        using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(TokenClientRegistry.BackchannelClientName);
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(h);
        }

        Assert.DoesNotContain(chain, h => h is SalesforceAuthenticationHandler);
        Assert.False(Assert.IsType<SocketsHttpHandler>(chain[^1]).AllowAutoRedirect);
        var crmChain = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("crm");
        Assert.Contains(Walk(crmChain), h => h is SalesforceAuthenticationHandler);
    }

    [Fact]
    public void AddHttpClient_PrimaryHandler_DoesNotFollowRedirects()
    {
        var services = new ServiceCollection();
        var crm = services.AddSalesforceClient("crm", Configure);
        crm.AddHttpClient();
        crm.AddHttpClient<AccountsClient>();
        services.AddHttpClient("custom")
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .AddSalesforceTokenHandler("crm");
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();

        // A redirect followed below the Salesforce handler would send the request to another host unseen (observed: the login service answers 302 to the My Domain, forcedotcom/SalesforceMobileSDK-iOS pull request 4074, https://github.com/forcedotcom/SalesforceMobileSDK-iOS/pull/4074).
        Assert.False(FollowsRedirects(Walk(factory.CreateHandler("crm")).Last()));
        Assert.False(FollowsRedirects(Walk(factory.CreateHandler(nameof(AccountsClient))).Last()));
        Assert.False(FollowsRedirects(Walk(factory.CreateHandler("custom")).Last()));
    }

    [Fact]
    public void PrimaryHandlerFollowingRedirects_ConfiguredByTheApplication_TurnedOffWhateverTheOrder()
    {
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = true }));
        var crm = services.AddSalesforceClient("crm", Configure);
        crm.AddHttpClient().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = true });
        services.AddHttpClient("wrapped")
            .AddSalesforceTokenHandler("crm")
            .ConfigurePrimaryHttpMessageHandler(() => new PassThroughHandler { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = true } });
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true }));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.False(FollowsRedirects(Walk(factory.CreateHandler("crm")).Last()));
        Assert.False(FollowsRedirects(Walk(factory.CreateHandler("wrapped")).Last()));
        Assert.False(FollowsRedirects(Walk(factory.CreateHandler(TokenClientRegistry.BackchannelClientName)).Last()));
    }

    [Fact]
    public async Task AddHttpClient_PrimaryHandlerWithAutoRedirect_RedirectToAnotherLoopbackHostNotFollowed()
    {
        using var pod = WireMock.Server.WireMockServer.Start();
        using var trap = WireMock.Server.WireMockServer.Start();
        pod.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(307).WithHeader("Location", $"http://127.0.0.1:{trap.Port}/steal"));
        trap.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("trap"));
        var source = new FakeTokenSource { Instance = _ => new Uri($"http://localhost:{pod.Port}") };
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ISalesforceTokenSource>(KeyedService.AnyKey, source);
        services.AddSalesforceClient("crm", o =>
        {
            Configure(o);
            o.AllowInsecureLoopback = true;
        }).AddHttpClient().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = true });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("crm");

        using var response = await client.PostAsync("/services/data/v62.0/sobjects/Account", new StringContent("""{"Name":"Acme"}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Empty(trap.LogEntries);
        Assert.StartsWith("Bearer ", Assert.Single(pod.LogEntries).RequestMessage.Headers!["Authorization"].ToString(), StringComparison.Ordinal);
    }

    private sealed class PassThroughHandler : DelegatingHandler;

    private static bool FollowsRedirects(HttpMessageHandler primary) => primary switch
    {
        SocketsHttpHandler sockets => sockets.AllowAutoRedirect,
        HttpClientHandler client => client.AllowAutoRedirect,
        _ => throw new InvalidOperationException($"Unexpected primary handler {primary.GetType()}."),
    };

    [Fact]
    public async Task ValidateOnStart_MissingClientId_HostFailsWithTheSettingName()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Salesforce:Clients:crm:SessionLifetime"] = "00:00:10" });
        builder.Services.AddSalesforceClient("crm");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Salesforce:Clients:crm:ClientId: ClientId is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Salesforce:Clients:crm:SessionLifetime: SessionLifetime is 00:00:10; it must be between", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_InsecureLoginUrl_HostFails()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSalesforceClient("crm", o =>
        {
            o.ClientId = "3MVG9x";
            o.LoginUrl = new Uri("http://login.salesforce.com");
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Salesforce:Clients:crm:LoginUrl: LoginUrl must use https", error.Message, StringComparison.Ordinal);
    }

    public enum KeyProblem
    {
        MissingFile,
        GarbagePem,
        KeyNotMatchingCertificate,
    }

    [Theory]
    [InlineData(KeyProblem.MissingFile, "PrivateKeyPath", "cannot be read")]
    [InlineData(KeyProblem.GarbagePem, "PrivateKeyPath", "no block labelled PRIVATE KEY")]
    [InlineData(KeyProblem.KeyNotMatchingCertificate, "CertificatePath", "does not match the certificate")]
    public async Task ValidateOnStart_UnusableKey_HostFailsNamingConnectionAndSettingPath(KeyProblem problem, string setting, string says)
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            var keyPath = Path.Combine(directory.FullName, "salesforce.key");
            var certificatePath = Path.Combine(directory.FullName, "salesforce.crt");
            using var rsa = TestKeys.NewRsa();
            using var other = TestKeys.NewRsa();
            using var certificate = TestKeys.SelfSigned(other);
            switch (problem)
            {
                case KeyProblem.GarbagePem:
                    await File.WriteAllTextAsync(keyPath, "not a key", TestContext.Current.CancellationToken);
                    break;
                case KeyProblem.KeyNotMatchingCertificate:
                    await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
                    await File.WriteAllTextAsync(certificatePath, TestKeys.CertificatePem(certificate), TestContext.Current.CancellationToken);
                    break;
            }

            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Salesforce:Clients:crm:ClientId"] = "3MVG9x",
                ["Salesforce:Clients:crm:Username"] = "integration@acme.com",
                ["Salesforce:Clients:crm:PrivateKeyPath"] = keyPath,
                ["Salesforce:Clients:crm:CertificatePath"] = problem == KeyProblem.KeyNotMatchingCertificate ? certificatePath : null,
            });
            builder.Services.AddSalesforceClient("crm").AddHttpClient();
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

            Assert.Equal($"Salesforce:Clients:crm:{setting}", error.Setting);
            Assert.Contains($"'crm'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"Salesforce:Clients:crm:{setting}", error.Message, StringComparison.Ordinal);
            Assert.Contains(says, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PlainServiceCollection_BadSettings_FailAtTheStartupValidatorOrAtFirstUse()
    {
        // Without a host nothing runs ValidateOnStart: the registered IStartupValidator does it on request, and
        // otherwise the first token request fails with the same exception.
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", o => o.ClientId = "3MVG9x");
        await using var provider = services.BuildServiceProvider();

        var atStartup = Assert.Throws<SalesforceConfigurationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var atFirstUse = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await provider.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Salesforce:Clients:crm:Username", atStartup.Setting);
        Assert.Equal(atStartup.Message, atFirstUse.Message);
    }

    [Theory]
    [InlineData("JWT", SalesforceFlow.JwtBearer)]
    [InlineData("jwt", SalesforceFlow.JwtBearer)]
    [InlineData("JwtBearer", SalesforceFlow.JwtBearer)]
    [InlineData("jwt-bearer", SalesforceFlow.JwtBearer)]
    [InlineData("client-credentials", SalesforceFlow.ClientCredentials)]
    [InlineData("SAML", SalesforceFlow.SamlBearer)]
    public void Configuration_FlowSpellings_AllBind(string value, SalesforceFlow expected)
    {
        var options = BindFromConfiguration(new Dictionary<string, string?> { ["Salesforce:Clients:crm:Flow"] = value });

        Assert.Equal(expected, options.Flow);
    }

    [Fact]
    public void Configuration_EverySettableOption_Binds()
    {
        // Binding goes through a source-generated binder of its own settings type (trimming- and AOT-safe); an option
        // added to SalesforceClientOptions but not to that type would silently stop being configurable.
        var defaults = new SalesforceClientOptions();
        var settings = new Dictionary<string, string?>();
        var expected = new Dictionary<string, object>();
        foreach (var property in typeof(SalesforceClientOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(SalesforceClientOptions.SigningKey)))
        {
            var (text, value) = property.GetValue(defaults) switch
            {
                _ when property.PropertyType == typeof(SalesforceFlow) => ("token-exchange", (object)SalesforceFlow.TokenExchange),
                _ when property.PropertyType == typeof(Uri) => ("https://acme.my.salesforce.com", new Uri("https://acme.my.salesforce.com")),
                bool flag => ((!flag).ToString(), !flag),
                TimeSpan span => ((span + TimeSpan.FromSeconds(7)).ToString("c", CultureInfo.InvariantCulture), span + TimeSpan.FromSeconds(7)),
                int number => ((number + 1).ToString(CultureInfo.InvariantCulture), number + 1),
                double share => ((share / 2).ToString(CultureInfo.InvariantCulture), share / 2),
                _ when property.PropertyType == typeof(string) => ($"configured-{property.Name}", $"configured-{property.Name}"),
                _ => throw new InvalidOperationException($"No test value for {property.Name} ({property.PropertyType}): add one."),
            };
            settings[$"Salesforce:Clients:crm:{property.Name}"] = text;
            expected[property.Name] = value;
        }

        settings["Salesforce:Clients:crm:TrustedDomains:0"] = "acme-custom.example";

        var options = BindFromConfiguration(settings);

        Assert.All(expected, e => Assert.Equal(e.Value, typeof(SalesforceClientOptions).GetProperty(e.Key)!.GetValue(options)));
        Assert.Equal([.. SalesforceLoginHost.DefaultTrustedDomains, "acme-custom.example"], options.TrustedDomains);
    }

    [Fact]
    public void Configuration_SettingsLeftOut_KeepTheirValues()
    {
        var options = BindFromConfiguration(new Dictionary<string, string?> { ["Salesforce:Clients:crm:ClientId"] = "3MVG9x" });
        var defaults = new SalesforceClientOptions();

        Assert.Equal("3MVG9x", options.ClientId);
        Assert.Equal(defaults.LoginUrl, options.LoginUrl);
        Assert.Equal(defaults.Flow, options.Flow);
        Assert.Equal(defaults.AssertionLifetime, options.AssertionLifetime);
        Assert.Equal(defaults.UseIntrospection, options.UseIntrospection);
        Assert.Equal(defaults.MaxRetries, options.MaxRetries);
        Assert.Equal(defaults.SamlNameIdFormat, options.SamlNameIdFormat);
        Assert.Equal(defaults.TrustedDomains, options.TrustedDomains);
    }

    [Fact]
    public void Configuration_UnconvertibleValue_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BindFromConfiguration(new Dictionary<string, string?> { ["Salesforce:Clients:crm:AttemptTimeout"] = "thirty seconds" }));

        Assert.Contains("Salesforce:Clients:crm:AttemptTimeout", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The configuration step alone (the validator would also load the key these connections do not have).</summary>
    private static SalesforceClientOptions BindFromConfiguration(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSalesforceClient("crm");
        using var provider = services.BuildServiceProvider();

        var options = new SalesforceClientOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<SalesforceClientOptions>>().OfType<IConfigureNamedOptions<SalesforceClientOptions>>())
        {
            configure.Configure("crm", options);
        }

        return options;
    }

    [Fact]
    public void AddSalesforceClient_WithSection_BindsThatSectionNotTheDefaultOne()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Crm:Salesforce:ClientId"] = "3MVG9fromsection",
            ["Crm:Salesforce:Flow"] = "client-credentials",
            ["Salesforce:Clients:crm:ClientId"] = "3MVG9default",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSalesforceClient("crm", configuration.GetSection("Crm:Salesforce"), o => o.Username = "code@acme.com");
        using var provider = services.BuildServiceProvider();

        var options = new SalesforceClientOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<SalesforceClientOptions>>().OfType<IConfigureNamedOptions<SalesforceClientOptions>>())
        {
            configure.Configure("crm", options);
        }

        Assert.Equal("3MVG9fromsection", options.ClientId);
        Assert.Equal(SalesforceFlow.ClientCredentials, options.Flow);
        Assert.Equal("code@acme.com", options.Username);
    }

    [Fact]
    public void AddSalesforceClient_WithSection_BadFlowNamesTheSectionsKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Crm:Salesforce:Flow"] = "password" }).Build();
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", configuration.GetSection("Crm:Salesforce"));
        using var provider = services.BuildServiceProvider();
        var steps = provider.GetServices<IConfigureOptions<SalesforceClientOptions>>().OfType<IConfigureNamedOptions<SalesforceClientOptions>>().ToList();

        var ex = Assert.Throws<SalesforceConfigurationException>(() => steps.ForEach(step => step.Configure("crm", new SalesforceClientOptions())));

        Assert.StartsWith("Crm:Salesforce:Flow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_UnknownFlow_HostFailsListingTheValidValues()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Salesforce:Clients:crm:Flow"] = "password" });
        builder.Services.AddSalesforceClient("crm");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Salesforce:Clients:crm:Flow", error.Setting);
        Assert.Contains("'password' is not a flow", error.Message, StringComparison.Ordinal);
        Assert.Contains("JwtBearer (jwt), SamlBearer (saml), ClientCredentials (client-credentials), RefreshToken (refresh-token), TokenExchange (token-exchange)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://acme.lightning.force.com", "https://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/services/oauth2/token", "https://acme.my.salesforce.com")]
    public async Task ValidateOnStart_ObviouslyWrongLoginUrl_HostFailsWithTheRightUrl(string loginUrl, string rightUrl)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Salesforce:Clients:crm:LoginUrl"] = loginUrl });
        builder.Services.AddSalesforceClient("crm", o =>
        {
            o.Flow = SalesforceFlow.ClientCredentials;
            o.ClientId = "3MVG9x";
            o.ClientSecret = "s";
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Salesforce:Clients:crm:LoginUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains($"LoginUrl = \"{rightUrl}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerDisposed_CachedTokensStalenessTimersReleased()
    {
        var clock = new TimerCountingTimeProvider();
        var (provider, _, _) = Build(s =>
        {
            s.AddSalesforceClient("crm", Configure);
            s.AddSingleton<TimeProvider>(clock);
        });
        await provider.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, clock.Live);

        await provider.DisposeAsync();

        Assert.Equal(0, clock.Live);
    }

    /// <summary>The system clock, counting the timers created and not yet disposed.</summary>
    private sealed class TimerCountingTimeProvider : TimeProvider
    {
        private int _live;

        public int Live => Volatile.Read(ref _live);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _live);
            return new Counted(System.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class Counted(ITimer inner, TimerCountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._live);
                }

                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    private static IEnumerable<HttpMessageHandler> Walk(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            yield return h;
        }
    }

    private static readonly Lazy<SalesforceSigningKey> Key = new(() => TestKeys.NewSigningKey(out _));

    private static void Configure(SalesforceClientOptions o)
    {
        o.ClientId = "3MVG9test";
        o.Username = "integration@acme.com";
        o.LoginUrl = new Uri("https://acme.my.salesforce.com");
        o.SigningKey = Key.Value;
    }

    private static (ServiceProvider Provider, FakeTokenSource Source, RecordingHandler Terminal) Build(Action<IServiceCollection> register)
    {
        var source = new FakeTokenSource();
        var terminal = new RecordingHandler();
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ISalesforceTokenSource>(KeyedService.AnyKey, source);
        register(services);
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b =>
        {
            if (b.Name != TokenClientRegistry.BackchannelClientName)
            {
                b.PrimaryHandler = terminal;
            }
        }));
        return (services.BuildServiceProvider(), source, terminal);
    }


    public sealed class AccountsClient(HttpClient client)
    {
        public async Task<HttpStatusCode> GetAsync(CancellationToken cancellationToken)
        {
            using var response = await client.GetAsync("/services/data/v62.0/sobjects/Account", cancellationToken);
            return response.StatusCode;
        }
    }
}

public sealed class SalesforceDistributedCacheRegistrationTests
{
    [Fact]
    public async Task ValidateOnStart_BadEncryptionKey_HostFailsNamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSalesforceClient("crm", o =>
        {
            o.ClientId = "3MVG9x";
            o.Flow = SalesforceFlow.ClientCredentials;
            o.ClientSecret = "not-a-real-secret";
            o.LoginUrl = new Uri("https://acme.my.salesforce.com");
        });
        builder.Services.AddSalesforceDistributedCache(o => o.EncryptionKey = "c2hvcnQ=");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Salesforce:DistributedCache:EncryptionKey must be 32 random bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OperationTimeout", "00:00:00")]
    [InlineData("OperationTimeout", "00:05:00")]
    [InlineData("FailureBackoff", "-00:00:01")]
    [InlineData("LockWait", "-00:00:01")]
    [InlineData("LockWait", "00:02:00")]
    public async Task ValidateOnStart_TimingOutOfRange_HostFailsNamingTheSetting(string setting, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Salesforce:DistributedCache:EncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Salesforce:DistributedCache:" + setting] = value,
        });
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSalesforceDistributedCache();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Salesforce:DistributedCache:" + setting + " must", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateOnStart_DefaultTimings_Accepted()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSalesforceDistributedCache(o => o.EncryptionKey = Convert.ToBase64String(new byte[32]));
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        var options = host.Services.GetRequiredService<IOptions<SalesforceDistributedCacheOptions>>().Value;
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(10), options.LockWait);
    }
}
