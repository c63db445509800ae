using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.IntegrationTests.Flows;

/// <summary>Runs every flow and lifecycle call, successes and failures, with a Trace-level logger: no secret may escape.</summary>
public sealed class FlowSecretLeakTests
{
    private static CancellationToken Ct => FlowKit.Cancel;

    [Fact]
    public async Task AllFlowsAndLifecycle_SuccessAndFailure_NoSecretInLogsOrExceptions()
    {
        await using var kit = await FlowKit.StartAsync();
        kit.App.RefreshTokenRotation = true;
        kit.App.TokenExchangeValidator = (token, _) => token == "idp-subject-token-secret" ? kit.User : null;
        var rt = kit.Fake.IssueRefreshToken(kit.App, kit.User);
        using var logs = new CapturingLoggerFactory();
        var texts = new List<string>();
        var secrets = new List<string> { kit.App.ConsumerSecret!, rt, "idp-subject-token-secret", "forged-subject-secret" };

        async Task Run(Func<Task<object?>> action)
        {
            try
            {
                var result = await action();
                texts.Add(result?.ToString() ?? string.Empty);
                if (result is SalesforceAssertion assertion)
                {
                    secrets.Add(assertion.Value);
                }

                if (result is SalesforceToken token)
                {
                    secrets.Add(token.AccessToken);
                    if (token.RefreshToken is not null)
                    {
                        secrets.Add(token.RefreshToken);
                    }
                }
            }
            catch (Exception ex) when (ex is SalesforceAuthenticationException or SalesforceConfigurationException)
            {
                texts.Add(ex.ToString());
            }
        }

        SalesforceTokenClient Client(SalesforceFlow flow, Action<SalesforceClientOptions>? configure = null) =>
            new(kit.Http, kit.Options(flow, o => { o.UseIntrospection = true; configure?.Invoke(o); }), kit.Time, logs);

        var cc = Client(SalesforceFlow.ClientCredentials);
        SalesforceToken? ccToken = null;
        await Run(async () => ccToken = await cc.RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await Client(SalesforceFlow.ClientCredentials, o => o.ClientSecret = kit.App.ConsumerSecret + "x").RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await Client(SalesforceFlow.RefreshToken, o => o.RefreshToken = rt).RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await Client(SalesforceFlow.RefreshToken, o => o.RefreshToken = rt).RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await Client(SalesforceFlow.TokenExchange, o => { o.SubjectToken = "idp-subject-token-secret"; o.SubjectTokenType = "urn:ietf:params:oauth:token-type:id_token"; }).RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await Client(SalesforceFlow.TokenExchange, o => { o.SubjectToken = "forged-subject-secret"; o.SubjectTokenType = "urn:ietf:params:oauth:token-type:id_token"; }).RequestTokenAsync(cancellationToken: Ct));
        await Run(async () => await cc.IntrospectAsync(ccToken!.AccessToken, Ct));
        await Run(async () => await cc.GetUserInfoAsync(ccToken!, Ct));
        await Run(async () => { await cc.RevokeAsync(ccToken!.AccessToken, Ct); return null; });
        await Run(async () => { await cc.RevokeAsync(ccToken!.AccessToken, Ct); return null; });
        await Run(async () => await cc.GetUserInfoAsync(ccToken!, Ct));
        await Run(() => Task.FromResult<object?>(Client(SalesforceFlow.SamlBearer).CreateAssertion()));

        texts.AddRange(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("rotated", StringComparison.Ordinal));
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerFactory owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
        }
    }
}
