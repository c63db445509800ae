using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using SalesforceAuth.Tests.TestSupport;

namespace SalesforceAuth.Tests.DependencyInjection;

/// <summary>
/// A store other than Redis plugged in the way a third-party package would: only public types and registrations
/// (<see cref="ISalesforceDistributedCache"/>, <see cref="ISalesforceTokenLock"/>, <c>AddSalesforceDistributedCacheStore</c>,
/// <c>AddSalesforceTokenLock</c>), nothing of the library's internals, and two service providers standing for two instances.
/// </summary>
public sealed class ThirdPartyTokenStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoInstances_ColdAndConcurrent_OneTokenRequestThroughTheirOwnStoreAndLock()
    {
        var store = new InMemoryStore();
        var orgs = new GatedTokenEndpoint();
        var key = NewKey();
        await using var a = Instance(store, orgs, key);
        await using var b = Instance(store, orgs, key);

        // A takes the lock and is held at the token endpoint; B misses, finds the lock taken, and waits for A's token.
        var fromA = a.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: Ct).AsTask();
        await orgs.HeldRequest.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var fromB = b.GetRequiredService<ISalesforceTokenProvider>().GetTokenAsync("crm", cancellationToken: Ct).AsTask();
        await store.Contended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        orgs.Gate.SetResult();
        var tokens = await Task.WhenAll(fromA, fromB);

        Assert.Equal(1, orgs.Inner.TokenRequests("acme"));
        Assert.Equal(tokens[0].AccessToken, tokens[1].AccessToken);

        // The store held the token for B, yet never saw it: entries are encrypted before they reach it.
        Assert.NotEmpty(store.Values);
        Assert.All(store.Values, v => Assert.DoesNotContain(tokens[0].AccessToken, Encoding.Latin1.GetString(v), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RenewTokenAsync_RejectedToken_LeavesTheStoreThroughItsCompareAndDelete()
    {
        var store = new InMemoryStore();
        var orgs = new GatedTokenEndpoint(heldRequest: 2);
        await using var a = Instance(store, orgs, NewKey());
        var tokens = a.GetRequiredService<ISalesforceTokenProvider>();
        var rejected = await tokens.GetTokenAsync("crm", cancellationToken: Ct);
        var stored = await store.Stored.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The replacement is held at the token endpoint until the rejected entry is gone, so it cannot be stored first.
        var renewal = tokens.RenewTokenAsync("crm", rejected, cancellationToken: Ct).AsTask();
        var removed = await store.RemovedIfUnchanged.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        orgs.Gate.SetResult();
        var renewed = await renewal;

        Assert.Equal(stored, removed);
        Assert.NotEqual(rejected.AccessToken, renewed.AccessToken);
        Assert.Equal(2, orgs.Inner.TokenRequests("acme"));
    }

    private static ServiceProvider Instance(InMemoryStore store, GatedTokenEndpoint endpoint, string encryptionKey)
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient("crm", o =>
        {
            o.ClientId = "3MVG9thirdparty";
            o.Flow = SalesforceFlow.ClientCredentials;
            o.ClientSecret = "not-a-real-secret";
            o.UseIntrospection = false;
            o.LoginUrl = new Uri("https://" + TenantOrgsHandler.Host("acme"));
        });
        services.AddHttpClient(SalesforceTokenClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => endpoint);
        services.AddSalesforceDistributedCache(o => o.EncryptionKey = encryptionKey)
            .AddSalesforceDistributedCacheStore(_ => store)
            .AddSalesforceTokenLock(_ => store);
        return services.BuildServiceProvider();
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The token endpoint of <see cref="TenantOrgsHandler"/>, holding one token request until <see cref="Gate"/> opens.</summary>
    private sealed class GatedTokenEndpoint(int heldRequest = 1) : DelegatingHandler(new TenantOrgsHandler())
    {
        private int _requests;

        public TenantOrgsHandler Inner => (TenantOrgsHandler)InnerHandler!;

        public TaskCompletionSource HeldRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) == heldRequest)
            {
                HeldRequest.SetResult();
                await Gate.Task.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }

        // The handler is shared by both instances' pooled handler chains; they must not dispose it.
        protected override void Dispose(bool disposing)
        {
        }
    }

    /// <summary>A store as a third party would write it: a key-value cache with compare-and-delete, and a lock.</summary>
    private sealed class InMemoryStore : ISalesforceDistributedCache, ISalesforceTokenLock
    {
        private readonly ConcurrentDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);

        public IReadOnlyCollection<byte[]> Values => [.. _entries.Values];

        /// <summary>Completed when an attempt found the lock taken.</summary>
        public TaskCompletionSource Contended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed with the first value written.</summary>
        public TaskCompletionSource<byte[]> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed with the value a compare-and-delete removed.</summary>
        public TaskCompletionSource<byte[]> RemovedIfUnchanged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken)
        {
            var holder = new object();
            if (!_locks.TryAdd(key, holder))
            {
                Contended.TrySetResult();
                return ValueTask.FromResult<IAsyncDisposable?>(null);
            }

            return ValueTask.FromResult<IAsyncDisposable?>(new Release(() => _locks.TryRemove(new KeyValuePair<string, object>(key, holder))));
        }

        public ValueTask<bool> RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken)
        {
            // By content, as a real store compares what it holds with what the caller read.
            var removed = _entries.TryGetValue(key, out var current) && current.AsSpan().SequenceEqual(expected)
                && _entries.TryRemove(new KeyValuePair<string, byte[]>(key, current));
            if (removed)
            {
                RemovedIfUnchanged.TrySetResult(expected);
            }

            return ValueTask.FromResult(removed);
        }

        public byte[]? Get(string key) => _entries.GetValueOrDefault(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            _entries[key] = value;
            Stored.TrySetResult(value);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => _entries.TryRemove(key, out _);

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }

        private sealed class Release(Func<bool> release) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                release();
                return ValueTask.CompletedTask;
            }
        }
    }
}
