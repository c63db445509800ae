using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.Output;

namespace SalesforceAuth.Cli.Commands;

/// <summary><c>sfauth assertion</c>, <c>introspect</c> and <c>revoke</c>: built on the token client's lifecycle API.</summary>
internal static class LifecycleCommands
{
    public static Task<int> AssertionAsync(CliInvocation invocation, CliConsole console, CancellationToken cancellationToken)
    {
        TokenCommand.ExpectArguments(invocation, 0);
        cancellationToken.ThrowIfCancellationRequested();
        var options = ClientOptionsFactory.Create(invocation);

        // Built and signed locally, never sent: nothing to wait for.
        using var session = new TokenSession(options, console.TimeProvider);
        var assertion = session.Client.CreateAssertion();
        var json = new JsonObject
        {
            ["grant_type"] = assertion.GrantType,
            ["assertion"] = assertion.Value,
        };
        if (assertion.Xml is { } xml)
        {
            json["xml"] = xml;
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
            console.Out.WriteLine(console.Bold("xml"));
            console.Out.WriteLine(assertion.Xml);
        }
        else
        {
            console.Out.WriteLine(console.Bold("header"));
            console.Out.WriteLine(json["header"]?.ToJsonString(pretty));
            console.Out.WriteLine(console.Bold("claims"));
            console.Out.WriteLine(json["claims"]?.ToJsonString(pretty));
        }

        console.Out.WriteLine(console.Bold("assertion") + console.Dim("  (as it would be posted; valid for a few minutes)"));
        console.Out.WriteLine(assertion.Value);
        return Task.FromResult(ExitCodes.Success);
    }

    public static async Task<int> IntrospectAsync(CliInvocation invocation, CliConsole console, CancellationToken cancellationToken)
    {
        TokenCommand.ExpectArguments(invocation, 1);
        var options = ClientOptionsFactory.Create(invocation);
        using var session = new TokenSession(options, console.TimeProvider);
        SalesforceTokenIntrospection result;
        await using (console.StartSpinner("Introspecting"))
        {
            var token = invocation.Arguments.Count == 1
                ? invocation.Arguments[0]
                : (await session.Client.RequestTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).AccessToken;
            result = await session.Client.IntrospectAsync(token, cancellationToken).ConfigureAwait(false);
        }

        var json = new JsonObject
        {
            ["active"] = result.Active,
            ["scope"] = result.Scope,
            ["client_id"] = result.ClientId,
            ["username"] = result.Username,
            ["sub"] = result.Subject,
            ["token_type"] = result.TokenType,
            ["exp"] = result.ExpiresAt?.ToUnixTimeSeconds(),
            ["iat"] = result.IssuedAt?.ToUnixTimeSeconds(),
            ["nbf"] = result.NotBefore?.ToUnixTimeSeconds(),
        };
        if (console.Json)
        {
            console.WriteJson(json);
            return ExitCodes.Success;
        }

        console.Out.WriteLine(result.Active ? $"{console.Green("✓")} Token is active" : $"{console.Yellow("✗")} Token is not active");
        console.WriteFields(
        [
            ("scope", result.Scope),
            ("client_id", result.ClientId),
            ("username", result.Username),
            ("sub", result.Subject),
            ("token_type", result.TokenType),
            ("expires_at", result.ExpiresAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ("issued_at", result.IssuedAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
        ]);
        return ExitCodes.Success;
    }

    public static async Task<int> RevokeAsync(CliInvocation invocation, CliConsole console, CancellationToken cancellationToken)
    {
        if (invocation.Arguments.Count != 1)
        {
            throw new UsageException("revoke needs the TOKEN to revoke: sfauth revoke <access or refresh token>");
        }

        var options = ClientOptionsFactory.Create(invocation);
        using var session = new TokenSession(options, console.TimeProvider);
        await using (console.StartSpinner("Revoking"))
        {
            await session.Client.RevokeAsync(invocation.Arguments[0], cancellationToken).ConfigureAwait(false);
        }

        if (console.Json)
        {
            console.WriteJson(new JsonObject { ["revoked"] = true });
        }
        else
        {
            console.Out.WriteLine($"{console.Green("✓")} Token revoked");
        }

        return ExitCodes.Success;
    }

    private static JsonNode? DecodeSegment(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
    }
}
