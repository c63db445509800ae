namespace SalesforceAuth;

/// <summary>
/// Settings of the optional second cache level: tokens shared by every instance of a service through the registered
/// <c>IDistributedCache</c> or the one given to <c>AddSalesforceDistributedCacheStore</c> (for example Redis), encrypted
/// at rest with AES-256-GCM.
/// </summary>
public sealed class SalesforceDistributedCacheOptions
{
    /// <summary>
    /// The AES-256 key, Base64 (32 random bytes: <c>openssl rand -base64 32</c>). Every instance sharing tokens needs the
    /// same key; entries written under another key are ignored. Required. A secret: keep it in a secret store.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Prefix of the cache keys. Default <c>SalesforceAuth:</c>.</summary>
    public string KeyPrefix { get; set; } = "SalesforceAuth:";

    /// <summary>The longest a cache operation may take before the in-process cache is used alone. Default 2 seconds.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After a failure, how long the distributed cache is left alone before it is tried again. Default 30 seconds.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With a fleet-wide acquisition lock (<see cref="ISalesforceTokenLock"/>, as <c>AddSalesforceRedis</c> registers): how long an instance that misses
    /// a token waits while another instance is getting one, watching the cache for that instance's token meanwhile.
    /// After this it asks Salesforce itself. Default 10 seconds; zero does not wait.
    /// </summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(10);
}
