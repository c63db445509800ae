using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.CommandLine;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Explain;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth explain</c>: lints an assertion someone else built, and/or a token endpoint error body, offline.</summary>
internal static class ExplainCommand
{
    /// <summary>What to explain and what to check it against; every value already resolved from options and variables.</summary>
    internal sealed record Request(string? Assertion, string? Response, Uri? LoginUrl, string? Audience, string? ClientId, string? Username, string? CertificatePath);

    public static Command Create(CliHost host)
    {
        var assertion = SettingOption.RequireValue(new Option<string>("--assertion")
        {
            Description = "the assertion to check: a compact JWT, or a SAML assertion as XML, base64url or base64; '-' reads it from stdin",
            HelpName = "value|-",
        });
        var response = SettingOption.RequireValue(new Option<string>("--response")
        {
            Description = "a file holding the token endpoint's error body ({\"error\":...,\"error_description\":...}); '-' reads it from stdin",
            HelpName = "file|-",
        });
        var command = new Command(
            "explain",
            "Check an assertion another program built (Apex Auth.JWT, a script, a SAML builder), and/or the error Salesforce answered, " +
            "against the login URL, consumer key, username and certificate given. Sends nothing. Exit 3 when an error is found.")
        {
            assertion,
            response,
        };
        foreach (var setting in new[] { SettingOption.LoginUrl, SettingOption.Audience, SettingOption.ClientId, SettingOption.Username, SettingOption.Certificate })
        {
            command.Options.Add(setting.Create());
        }

        command.SetAction(host, (context, cancellationToken) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new Request(
                context.GetValue(assertion),
                context.GetValue(response),
                context.Get(SettingOption.LoginUrl) is { } login ? ClientOptionsFactory.ParseLoginUrl(login) : null,
                context.Get(SettingOption.Audience),
                context.Get(SettingOption.ClientId),
                context.Get(SettingOption.Username),
                context.Get(SettingOption.Certificate));
            return Task.FromResult(Run(request, context.Console, context.Host.Input));
        });
        return command;
    }

    public static int Run(Request request, CliConsole console, TextReader stdin)
    {
        if (request.Assertion is null && request.Response is null)
        {
            throw new UsageException("explain needs --assertion VALUE (a JWT or SAML assertion, '-' for stdin) and/or --response FILE (a token endpoint error body, '-' for stdin).");
        }

        if (request.Assertion == "-" && request.Response == "-")
        {
            throw new UsageException("Only one of --assertion and --response can read stdin ('-').");
        }

        var assertion = request.Assertion == "-" ? stdin.ReadToEnd() : request.Assertion;
        var response = request.Response switch
        {
            null => null,
            "-" => stdin.ReadToEnd(),
            var path => ReadFile(path, "--response"),
        };
        using var certificate = request.CertificatePath is null ? null : LoadCertificate(request.CertificatePath);
        var context = new ExplainContext(console.TimeProvider.GetUtcNow())
        {
            LoginUrl = request.LoginUrl,
            Audience = request.Audience,
            ClientId = request.ClientId,
            Username = request.Username,
            Certificate = certificate,
        };

        var result = Explainer.Explain(assertion, response, context);
        if (console.Json)
        {
            console.WriteJson(new JsonObject
            {
                ["kind"] = result.Kind,
                ["claims"] = result.Claims.DeepClone(),
                ["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode?)new JsonObject
                {
                    ["code"] = f.Code,
                    ["severity"] = Severity(f.Severity),
                    ["detail"] = f.Detail,
                    ["remedy"] = f.Remedy,
                })]),
            });
        }
        else
        {
            WriteHuman(result, context.Now, console);
        }

        return result.HasError ? ExitCodes.Refused : ExitCodes.Success;
    }

    private static void WriteHuman(ExplainResult result, DateTimeOffset now, CliConsole console)
    {
        var title = result.Kind switch
        {
            "jwt" => "JWT bearer assertion",
            "saml" => "SAML bearer assertion",
            "response" => "Token endpoint response",
            _ => "Assertion (not decodable)",
        };
        console.Out.WriteLine(console.Bold(title));
        var fields = result.Claims.Select(p => (p.Key, (string?)TerminalText.Clean(Show(p.Key, p.Value, now)))).ToList();
        if (result.Header is { } header)
        {
            fields.Insert(0, ("header", TerminalText.Clean(header.ToJsonString())));
        }

        console.WriteFields(fields);
        console.Out.WriteLine();
        if (result.Findings.Count == 0)
        {
            console.Out.WriteLine($"{console.Green("✓")} No problems found.");
            return;
        }

        console.Out.WriteLine(console.Bold("Findings"));
        foreach (var finding in result.Findings)
        {
            var mark = finding.Severity switch
            {
                FindingSeverity.Error => console.Red("✗ error"),
                FindingSeverity.Warn => console.Yellow("! warn "),
                _ => console.Dim("i info "),
            };
            console.Out.WriteLine($"  {mark}  {finding.Code}");
            console.Out.WriteLine($"           {TerminalText.Clean(finding.Detail)}");
            console.Out.WriteLine($"           {console.Dim("fix:")} {finding.Remedy}");
        }
    }

    /// <summary>A claim for people: epoch times also as dates, nested values as compact JSON.</summary>
    private static string Show(string name, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return "(none)";
        }

        if (name is "exp" or "iat" or "nbf" && Times.TryEpoch(value, out var epoch))
        {
            var date = Times.FromEpoch(epoch);
            return string.Create(CultureInfo.InvariantCulture, $"{value.ToJsonString()}  ({Times.Format(date)}, {Times.Relative(date, now)})");
        }

        return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();
    }

    private static string Severity(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warn => "warn",
        _ => "info",
    };

    private static string ReadFile(string path, string option)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{path}' cannot be read: {ex.Message}");
        }
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        var text = ReadFile(path, SettingOption.Certificate.Describe());
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"{SettingOption.Certificate.Describe()} '{path}' is not a PEM certificate: {ex.Message}");
        }
    }
}
