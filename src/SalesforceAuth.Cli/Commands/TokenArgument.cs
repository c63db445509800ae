using System.CommandLine;
using SalesforceAuth.Cli.CommandLine;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// The TOKEN of <c>introspect</c> and <c>revoke</c>: <c>-</c> reads it from stdin, and <c>SF_TOKEN</c> supplies it when
/// it is not given, so that a live credential need not be typed where shell history and the process list keep it.
/// </summary>
internal static class TokenArgument
{
    public const string Variable = "SF_TOKEN";

    public static Argument<string?> Create(string description) => new("TOKEN")
    {
        Description = $"{description}. Prefer '-' (read from stdin) or {Variable}: a token typed here stays in the shell history and shows in the process list [env: {Variable}]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The token from the argument, stdin (<c>-</c>) or <c>SF_TOKEN</c>; <see langword="null"/> when none is given.</summary>
    public static async Task<string?> ReadAsync(CommandContext context, string? argument, CancellationToken cancellationToken)
    {
        if (argument == "-")
        {
            var text = (await context.Host.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return text.Length > 0 ? text : throw new UsageException("TOKEN is '-' but stdin was empty: pipe the token in, for example 'sfauth revoke - < token.txt'.");
        }

        return argument ?? context.Host.GetVariable(Variable);
    }
}
