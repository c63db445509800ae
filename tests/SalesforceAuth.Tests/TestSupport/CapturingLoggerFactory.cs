using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SalesforceAuth.Tests.TestSupport;

/// <summary>Captures every log line at every level, with its exception text.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Lines { get; } = new();

    public IEnumerable<string> AllText => Lines.Select(l => l.Message);

    private readonly List<(int EventId, TaskCompletionSource Logged)> _waiters = [];

    /// <summary>Completes once a line with <paramref name="eventId"/> has been logged (work in the background logs late).</summary>
    public Task WhenLogged(int eventId)
    {
        lock (_waiters)
        {
            if (Lines.Any(l => l.EventId.Id == eventId))
            {
                return Task.CompletedTask;
            }

            var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventId, logged));
            return logged.Task;
        }
    }

    private void Add(LogLevel level, EventId eventId, string text)
    {
        lock (_waiters)
        {
            Lines.Enqueue((level, eventId, text));
            _waiters.RemoveAll(w => w.EventId == eventId.Id && w.Logged.TrySetResult());
        }
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

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

            owner.Add(logLevel, eventId, text);
        }
    }
}
