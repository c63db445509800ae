using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SalesforceAuth.Internal;
using SalesforceAuth.Tokens;
using SalesforceAuth.Tokens.Caching;

namespace SalesforceAuth.Tests.Tokens;

/// <summary>A token source that counts requests, can be held at a gate, and issues numbered tokens on chosen instances.</summary>
internal sealed class FakeTokenSource : ISalesforceTokenSource
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _started = new();
    private int _calls;

    public FakeTokenSource(TimeProvider? timeProvider = null) => TimeProvider = timeProvider ?? System.TimeProvider.System;

    public TimeProvider TimeProvider { get; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>When set, every request waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>The instance of the n-th token (1-based); default https://pod1.my.salesforce.com.</summary>
    public Func<int, Uri> Instance { get; set; } = _ => new Uri("https://pod1.my.salesforce.com");

    /// <summary>When set, the n-th request throws this.</summary>
    public Func<int, Exception?> Failure { get; set; } = _ => null;

    public List<SalesforceTokenRequest?> Requests { get; } = [];

    public List<CancellationToken> CancellationTokens { get; } = [];

    /// <summary>Completes when the <paramref name="n"/>-th request (1-based) has started, before it waits at <see cref="Gate"/>.</summary>
    public Task WhenCalled(int n) => Started(n).Task;

    public async Task<SalesforceToken> RequestTokenAsync(SalesforceTokenRequest? request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _calls);
        lock (Requests)
        {
            Requests.Add(request);
            CancellationTokens.Add(cancellationToken);
        }

        Started(n).TrySetResult();

        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (Failure(n) is { } failure)
        {
            throw failure;
        }

        return new SalesforceToken($"00D000000000001!token{n}", Instance(n))
        {
            ObtainedAt = TimeProvider.GetUtcNow(),
            Flow = SalesforceFlow.JwtBearer,
        };
    }

    /// <summary>
    /// When set, <see cref="RefineExpiryAsync"/> waits for it and answers the token with the expiry it completes with
    /// (<see langword="null"/>: nothing learned; an exception: a failed refinement).
    /// </summary>
    public TaskCompletionSource<DateTimeOffset?>? Refinement { get; set; }

    public List<CancellationToken> RefinementCancellationTokens { get; } = [];

    /// <summary>Completes when a refinement has started waiting at <see cref="Refinement"/>.</summary>
    public TaskCompletionSource RefinementStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<SalesforceToken?> RefineExpiryAsync(SalesforceToken token, CancellationToken cancellationToken)
    {
        if (Refinement is not { } refinement)
        {
            return null;
        }

        lock (RefinementCancellationTokens)
        {
            RefinementCancellationTokens.Add(cancellationToken);
        }

        RefinementStarted.TrySetResult();
        var expiresAt = await refinement.Task.WaitAsync(cancellationToken);
        return expiresAt is null ? null : TokenCopy.WithExpiresAt(token, expiresAt);
    }

    public static string TokenValue(int n) => $"00D000000000001!token{n}";

    private TaskCompletionSource Started(int n) =>
        _started.GetOrAdd(n, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Builds managers over fakes.</summary>
internal static class TestManagers
{
    public static SalesforceClientOptions Options(bool allowInsecureLoopback = false) => new()
    {
        ClientId = "3MVG9test",
        Username = "integration@acme.com",
        LoginUrl = new Uri("https://acme.my.salesforce.com"),
        SessionLifetime = TimeSpan.FromMinutes(60),
        AllowInsecureLoopback = allowInsecureLoopback,
    };

    public static SalesforceTokenManager Create(FakeTokenSource source, TimeProvider? time = null, SalesforceClientOptions? options = null, ITokenSecondLevel? secondLevel = null) =>
        new("test", options ?? Options(), () => source, new SalesforceTokenCache(), time ?? source.TimeProvider, NullLogger.Instance, new SalesforceMetrics(null), secondLevel);

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
