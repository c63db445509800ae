using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.IntegrationTests.Reliability;

/// <summary>
/// Captures every log line at Trace level: message, structured state and exception text. Lines of SalesforceAuth and
/// of everything else but the per-request HTTP client logs are kept for a final search; the high-volume
/// <c>System.Net.Http.HttpClient.*</c> lines (one or more per API call, 200,000+ in the soak) are searched for the
/// secrets known at that moment and then dropped, so the capture cannot distort the soak's memory figure. Tokens and
/// assertions are recorded on the wire before those lines are written, so nothing escapes the immediate search.
/// </summary>
internal sealed class CapturingLoggerProvider(SecretLedger ledger) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _kept = new();
    private readonly ConcurrentQueue<string> _leaks = new();
    private long _lines;

    public long LineCount => Interlocked.Read(ref _lines);

    public IReadOnlyCollection<string> KeptLines => _kept;

    public IReadOnlyCollection<string> ImmediateLeaks => _leaks;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Record(string category, string text)
    {
        Interlocked.Increment(ref _lines);
        if (category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal))
        {
            foreach (var kind in ledger.Find(text))
            {
                _leaks.Enqueue($"{kind} in log line of {category}");
            }

            return;
        }

        _kept.Enqueue(category + ": " + text);
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.Record(category, "scope: " + state);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                text += " | " + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"));
            }

            if (exception is not null)
            {
                text += " | " + exception;
            }

            owner.Record(category, text);
        }
    }
}
