using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth assertion</c>: builds and signs the assertion the token request would post, and prints what it says. The
/// signed assertion is a credential (anyone holding it gets a token until it expires), so its signature is redacted
/// unless <c>--show-token</c> is given.
/// </summary>
internal static partial class AssertionCommand
{
    private const string Redacted = "[redacted]";

    public static Command Create(CliHost host)
    {
        var showToken = TokenCommand.ShowTokenOption("print the signed assertion as it would be posted (a credential for a few minutes) instead of redacting its signature");
        var command = new Command("assertion", "Build the signed assertion without sending it and print its decoded content.") { showToken };
        SfauthCommand.AddConnectionOptions(command);
        command.SetAction(host, (context, cancellationToken) => RunAsync(context, context.GetValue(showToken), cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(CommandContext context, bool showToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var console = context.Console;

        // Built and signed locally, never sent: nothing to wait for.
        using var session = TokenSession.Create(context);
        var assertion = session.Client.CreateAssertion();
        var json = new JsonObject
        {
            ["grant_type"] = assertion.GrantType,
            ["assertion"] = showToken ? assertion.Value : RedactSignature(assertion),
        };
        if (assertion.Xml is { } xml)
        {
            json["xml"] = showToken ? xml : SignatureValue().Replace(xml, "${open}" + Redacted + "${close}");
        }
        else
        {
            var parts = assertion.Value.Split('.');
            json["header"] = DecodeSegment(parts[0]);
            json["claims"] = parts.Length > 1 ? DecodeSegment(parts[1]) : null;
        }

        if (console.Json)
        {
            console.WriteJson(json);
            return Task.FromResult(ExitCodes.Success);
        }

        console.Out.WriteLine($"{console.Bold("grant_type")}  {assertion.GrantType}");
        var pretty = new JsonSerializerOptions { WriteIndented = true };
        if (assertion.Xml is not null)
        {
            console.Out.WriteLine(console.Bold("xml") + console.Dim("  (indented to read; the signed original is one line, and --json prints it as is)"));
            console.Out.WriteLine(Indent((string)json["xml"]!));
        }
        else
        {
            console.Out.WriteLine(console.Bold("header"));
            console.Out.WriteLine(json["header"]?.ToJsonString(pretty));
            console.Out.WriteLine(console.Bold("claims"));
            console.Out.WriteLine(json["claims"]?.ToJsonString(pretty));
        }

        if (showToken)
        {
            console.Out.WriteLine(console.Bold("assertion") + console.Dim("  (as it would be posted; a credential for a few minutes)"));
            console.Out.WriteLine(assertion.Value);
        }
        else
        {
            console.Out.WriteLine(console.Bold("signature") + $"  {Redacted}" + console.Dim("  (--show-token to print the signed assertion)"));
        }

        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>A JWT without its signature (header and claims are not secret); a SAML assertion entirely (its base64 carries the signature).</summary>
    private static string RedactSignature(SalesforceAssertion assertion)
    {
        if (assertion.Xml is not null)
        {
            return Redacted;
        }

        var lastDot = assertion.Value.LastIndexOf('.');
        return lastDot < 0 ? Redacted : assertion.Value[..(lastDot + 1)] + Redacted;
    }

    /// <summary>
    /// An indented copy of the XML, for reading only: indentation adds whitespace text nodes inside the signed element,
    /// so the copy no longer verifies. What is posted (and <c>--json</c>'s <c>xml</c>) stays the signed original.
    /// </summary>
    private static string Indent(string xml) => XDocument.Parse(xml).ToString(SaveOptions.None);

    [GeneratedRegex(@"(?<open><(?:[\w.-]+:)?SignatureValue\b[^>]*>)[^<]*(?<close></(?:[\w.-]+:)?SignatureValue>)", RegexOptions.CultureInvariant)]
    private static partial Regex SignatureValue();

    private static JsonNode? DecodeSegment(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
    }
}
