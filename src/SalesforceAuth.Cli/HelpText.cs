namespace SalesforceAuth.Cli;

/// <summary>The text of <c>sfauth --help</c>.</summary>
internal static class HelpText
{
    public static void Write(TextWriter writer, string? command)
    {
        writer.WriteLine("sfauth: Salesforce server-to-server authentication from the command line.");
        writer.WriteLine();
        writer.WriteLine("Usage: sfauth <command> [options]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        var commands = new (string Name, string Help)[]
        {
            ("token", "acquire a token and print it (redacted unless --show-token)"),
            ("call [--method GET] PATH [--data JSON]", "send a request through the caching handler, e.g. /services/data/v62.0/"),
            ("assertion", "build and print the signed assertion without sending it"),
            ("doctor", "check a setup step by step, with a remedy for each failure"),
            ("introspect [TOKEN]", "introspect a token (a fresh one when none is given)"),
            ("revoke TOKEN", "revoke a token"),
        };
        foreach (var (name, help) in commands.Where(c => command is null || c.Name.StartsWith(command, StringComparison.Ordinal)))
        {
            writer.WriteLine($"  {name,-40} {help}");
        }

        writer.WriteLine();
        writer.WriteLine("Options (each also read from the environment variable shown):");
        foreach (var option in CliOption.All)
        {
            var name = option.TakesValue ? $"{option.Name} VALUE" : option.Name;
            writer.WriteLine($"  {name,-30} {option.Variable ?? string.Empty,-26} {option.Help}");
        }

        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 success, 2 usage or configuration error, 3 Salesforce refused, 4 Salesforce unreachable or");
        writer.WriteLine("unavailable, 5 the API call returned an error status.");
    }
}
