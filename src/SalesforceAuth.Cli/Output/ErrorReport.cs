using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace SalesforceAuth.Cli.Output;

/// <summary>
/// A failure as the tool reports it: the exit code, and the contract's
/// <c>{"error":{"type","reason","error","error_description","summary","causes","remedies","clock_skew_seconds"}}</c>.
/// Built only from the exceptions' public, secret-free members.
/// </summary>
internal sealed class ErrorReport
{
    private ErrorReport(int exitCode, string type, string summary)
    {
        ExitCode = exitCode;
        Type = type;
        Summary = TerminalText.Clean(summary)!;
    }

    public int ExitCode { get; }

    public string Type { get; }

    public string? Reason { get; private init => field = TerminalText.Clean(value); }

    // What the server sent (and the diagnosis built from it) is cleaned of terminal controls once, here, for the human
    // report and for JSON alike: scripts print JSON values too.
    public string? Error { get; private init => field = TerminalText.Clean(value); }

    public string? ErrorDescription { get; private init => field = TerminalText.Clean(value); }

    public string Summary { get; }

    public IReadOnlyList<string> Causes { get; private init => field = [.. value.Select(c => TerminalText.Clean(c)!)]; } = [];

    public IReadOnlyList<string> Remedies { get; private init => field = [.. value.Select(r => TerminalText.Clean(r)!)]; } = [];

    public TimeSpan? ClockSkew { get; private init; }

    public static ErrorReport From(Exception exception) => exception switch
    {
        UsageException usage => new ErrorReport(ExitCodes.Usage, "UsageError", usage.Message)
        {
            Remedies = usage.Suggestions.Count > 0 ? usage.Suggestions : ["Run 'sfauth --help' for the commands, options and environment variables."],
        },
        SalesforceConfigurationException configuration => new ErrorReport(ExitCodes.Usage, nameof(SalesforceConfigurationException), ClientOptionsFactory.ToOptionNames(configuration.Message, configuration.Setting))
        {
            Reason = "Configuration",
            Causes = configuration.Setting is null ? [] : [$"{ClientOptionsFactory.OptionFor(configuration.Setting)} is missing or invalid."],
            Remedies = configuration.Setting is null ? [] : [$"Set {ClientOptionsFactory.OptionFor(configuration.Setting)}."],
        },
        // The library's diagnosis names its own settings; the tool's user sets options and variables instead.
        SalesforceAuthenticationException authentication => new ErrorReport(ExitCodeOf(authentication), authentication.GetType().Name, ClientOptionsFactory.ToOptionNames(authentication.Diagnosis.Summary))
        {
            Reason = authentication.Reason.ToString(),
            Error = authentication.Error,
            ErrorDescription = authentication.ErrorDescription,
            Causes = [.. authentication.Diagnosis.Causes.Select(c => ClientOptionsFactory.ToOptionNames(c))],
            Remedies = [.. authentication.Diagnosis.Remedies.Select(r => ClientOptionsFactory.ToOptionNames(r))],
            ClockSkew = authentication.Diagnosis.ClockSkew ?? (authentication as SalesforceAssertionExpiredException)?.ClockSkew,
        },
        SalesforceApiException api => new ErrorReport(ExitCodes.ApiError, nameof(SalesforceApiException), api.Message)
        {
            Reason = api.ErrorCode,
            Error = api.ErrorCode,
            ErrorDescription = api.ApiMessage,
        },
        HttpRequestException http => new ErrorReport(ExitCodes.Unavailable, http.GetType().Name, $"Salesforce could not be reached: {http.Message}")
        {
            Reason = nameof(SalesforceReason.ServiceUnavailable),
            Remedies = ["Check the login URL, DNS, proxy and network access to Salesforce, then try again."],
        },
        TimeoutException or TaskCanceledException => new ErrorReport(ExitCodes.Unavailable, exception.GetType().Name, "Salesforce did not answer in time.")
        {
            Reason = nameof(SalesforceReason.ServiceUnavailable),
            Remedies = ["Try again later; check https://status.salesforce.com for your instance."],
        },
        _ => new ErrorReport(1, exception.GetType().Name, exception.Message),
    };

    /// <summary>3 when Salesforce refused, 4 when it could not be reached or was unavailable.</summary>
    public static int ExitCodeOf(SalesforceAuthenticationException exception)
    {
        if (exception is SalesforceServiceUnavailableException or SalesforceRateLimitException ||
            exception.Reason is SalesforceReason.ServiceUnavailable or SalesforceReason.RateLimited)
        {
            return ExitCodes.Unavailable;
        }

        if (exception.StatusCode is null && exception.Error is null && exception.IsTransient)
        {
            // No response at all: the network, DNS or a timeout.
            return ExitCodes.Unavailable;
        }

        return exception.StatusCode is { } status && (int)status >= 500 && status != HttpStatusCode.NotImplemented
            ? ExitCodes.Unavailable
            : ExitCodes.Refused;
    }

    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject
        {
            ["type"] = Type,
            ["reason"] = Reason,
            ["error"] = Error,
            ["error_description"] = ErrorDescription,
            ["summary"] = Summary,
            ["causes"] = new JsonArray([.. Causes.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["remedies"] = new JsonArray([.. Remedies.Select(r => (JsonNode?)JsonValue.Create(r))]),
            ["clock_skew_seconds"] = ClockSkew is { } skew ? Math.Round(skew.TotalSeconds, 1) : null,
        },
    };

    public void Write(CliConsole console)
    {
        if (console.Json)
        {
            console.WriteJson(ToJson());
            return;
        }

        var error = console.Error;
        error.WriteLine($"{console.Red("error")}: {Summary}");
        var facts = new List<(string, string?)>
        {
            ("type", Type),
            ("reason", Reason),
            ("error", Error),
            ("description", ErrorDescription),
            ("clock skew", ClockSkew is { } skew ? FormatSkew(skew) : null),
        };
        foreach (var (label, value) in facts.Where(f => f.Item2 is not null))
        {
            error.WriteLine($"  {label,-12} {value}");
        }

        WriteList(error, console, "Likely causes", Causes);
        WriteList(error, console, "How to fix", Remedies);
    }

    /// <summary>"+312.0 s (Salesforce's clock is ahead of this machine's)".</summary>
    public static string FormatSkew(TimeSpan skew) =>
        string.Create(CultureInfo.InvariantCulture, $"{skew.TotalSeconds:+0.0;-0.0;0.0} s ({(skew >= TimeSpan.Zero ? "Salesforce's clock is ahead of this machine's" : "this machine's clock is ahead of Salesforce's")})");

    private static void WriteList(TextWriter writer, CliConsole console, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        writer.WriteLine(console.Bold(title + ":"));
        for (var i = 0; i < items.Count; i++)
        {
            writer.WriteLine($"  {i + 1}. {items[i]}");
        }
    }
}
