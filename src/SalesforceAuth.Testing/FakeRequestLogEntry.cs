namespace SalesforceAuth.Testing;

/// <summary>One request the emulator answered. Secrets are redacted: assertions, tokens, secrets and the
/// <c>Authorization</c> header are never stored.</summary>
public sealed class FakeRequestLogEntry
{
    internal FakeRequestLogEntry(DateTimeOffset timestamp, string listener, string method, string path)
    {
        Timestamp = timestamp;
        Listener = listener;
        Method = method;
        Path = path;
    }

    /// <summary>When the request arrived, by the emulator's clock.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Which listener answered: <c>login</c>, <c>sandbox</c>, <c>mydomain:{org}</c> or <c>pod:{pod}</c>.</summary>
    public string Listener { get; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path, without the query string.</summary>
    public string Path { get; }

    /// <summary>The request parameters (query and form), with secret values replaced by <c>***</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; internal set; } = new Dictionary<string, string>();

    /// <summary>The <c>grant_type</c> of a token request, or <see langword="null"/>.</summary>
    public string? GrantType { get; internal set; }

    /// <summary>The HTTP status answered (0 when the connection was dropped).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>The OAuth <c>error</c> or REST <c>errorCode</c> answered, or <see langword="null"/>.</summary>
    public string? Error { get; internal set; }

    /// <summary>The OAuth <c>error_description</c> or REST <c>message</c> answered, or <see langword="null"/>.</summary>
    public string? ErrorDescription { get; internal set; }

    /// <summary>The injected fault that answered, or <see langword="null"/>.</summary>
    public FakeFault? Fault { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Timestamp:O} {Listener} {Method} {Path} grant={GrantType} -> {StatusCode} {Error} {ErrorDescription}".TrimEnd();
}
