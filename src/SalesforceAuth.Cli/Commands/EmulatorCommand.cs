using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SalesforceAuth.Cli.CommandLine;
using SalesforceAuth.Cli.Files;
using SalesforceAuth.Cli.Output;
using SalesforceAuth.Testing;

namespace SalesforceAuth.Cli.Commands;

/// <summary>
/// <c>sfauth emulator</c>: FakeSalesforce in the foreground, with a throwaway key pair, an org, a pre-authorized user and
/// a connected app, and the <c>SF_*</c> settings that point <c>sfauth</c> (or any program, .NET or not) at it. It serves
/// until Ctrl+C or SIGTERM; the key is deleted on the way out.
/// </summary>
internal static class EmulatorCommand
{
    public static Command Create(CliHost host)
    {
        var port = SettingOption.RequireValue(new Option<string>("--port") { Description = "the login URL's port on 127.0.0.1; 0 (the default) picks a free one", HelpName = "n" });
        var org = SettingOption.RequireValue(new Option<string>("--org") { Description = "the org's My Domain name (default acme)", HelpName = "name", DefaultValueFactory = _ => "acme" });
        var user = SettingOption.RequireValue(new Option<string>("--user") { Description = "the pre-authorized user's username (default integration@<org>.example)", HelpName = "name" });
        var readyFile = SettingOption.RequireValue(new Option<string>("--ready-file") { Description = "once listening, write the settings as JSON to this file (atomically; deleted on exit), for scripts to wait on", HelpName = "path" });
        var command = new Command("emulator", "Run FakeSalesforce, a local emulator, in the foreground and print the SF_* settings that point sfauth or your program at it.") { port, org, user, readyFile };
        command.SetAction(host, (context, cancellationToken) =>
        {
            var orgName = context.GetValue(org)!;
            var settings = new EmulatorSettings(
                ParsePort(context.GetValue(port)),
                ValidateOrg(orgName),
                ValidateUser(context.GetValue(user) ?? $"integration@{orgName.ToLowerInvariant()}.example"),
                context.GetValue(readyFile) is { } path ? Path.GetFullPath(path) : null);
            return RunAsync(context, settings, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var console = context.Console;

        // A file left by an earlier run must not be mistaken for this one being ready.
        DeleteIfPresent(settings.ReadyFile);

        // The key lives only as long as the emulator: in a private folder (0700 on Unix), owner-only, deleted on exit.
        var folder = Directory.CreateTempSubdirectory("sfauth-emulator-");
        try
        {
            using var keyPair = FakeSalesforceCertificates.CreateKeyPair("CN=sfauth emulator", context.Host.TimeProvider);
            var keyPath = Path.Combine(folder.FullName, KeygenCommand.KeyFileName);
            var certificatePath = Path.Combine(folder.FullName, KeygenCommand.CertificateFileName);
            PrivateFile.CreateNew(keyPath, keyPair.PrivateKeyPem);
            PrivateFile.CreateNew(certificatePath, keyPair.CertificatePem);

            var emulator = await StartAsync(settings.Port, context.Host.TimeProvider, cancellationToken).ConfigureAwait(false);
            await using var disposeEmulator = emulator.ConfigureAwait(false);
            var org = emulator.AddOrg(settings.Org);
            var user = org.AddUser(settings.User);
            var app = new FakeConnectedApp { Certificate = keyPair.PublicCertificate, PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized };
            app.PreAuthorizedUsers.Add(user);
            emulator.AddConnectedApp(app);

            // Only the shape of each request (never a parameter: they carry assertions and secrets), on stderr.
            var log = TextWriter.Synchronized(console.Error);
            emulator.RequestCompleted += (_, entry) => log.WriteLine(TerminalText.Clean(
                $"{entry.Method} {entry.Path}{(entry.GrantType is null ? string.Empty : $" ({entry.GrantType})")} -> {entry.StatusCode}{(entry.Error is null ? string.Empty : $" {entry.Error}")}"));

            var loginUrl = emulator.LoginUrl.GetLeftPart(UriPartial.Authority);
            var variables = new JsonObject
            {
                ["SF_LOGIN_URL"] = loginUrl,
                ["SF_CLIENT_ID"] = app.ConsumerKey,
                ["SF_USERNAME"] = user.Username,
                ["SF_PRIVATE_KEY"] = keyPath,
                ["SF_CERTIFICATE"] = certificatePath,

                // The emulator speaks http on loopback; the library refuses http anywhere else.
                ["SF_ALLOW_INSECURE_LOOPBACK"] = "1",
            };
            var json = new JsonObject
            {
                ["login_url"] = loginUrl,
                ["org"] = org.Name,
                ["org_id"] = org.OrgId,
                ["my_domain_url"] = org.MyDomainUrl.GetLeftPart(UriPartial.Authority),
                ["instance_url"] = org.InstanceUrl.GetLeftPart(UriPartial.Authority),
                ["username"] = user.Username,
                ["thumbprint"] = keyPair.PublicCertificate.Thumbprint,
                ["environment"] = variables,
            };

            if (settings.ReadyFile is { } readyFile)
            {
                PrivateFile.Replace(readyFile, json.ToJsonString() + "\n");
            }

            try
            {
                Print(console, json, variables);
                await WaitForStopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                DeleteIfPresent(settings.ReadyFile);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        if (!console.Json)
        {
            console.Error.WriteLine("FakeSalesforce stopped; its key was deleted.");
        }

        return ExitCodes.Success;
    }

    private static async Task<FakeSalesforce> StartAsync(int port, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            return await FakeSalesforce.StartAsync(new FakeSalesforceOptions { LoginPort = port, TimeProvider = timeProvider, UseHttps = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (port != 0)
        {
            throw new UsageException($"--port {port}: 127.0.0.1:{port} is not available ({ex.Message.TrimEnd('.')}). Choose another port, or --port 0 for a free one.", ex);
        }
    }

    private static void Print(CliConsole console, JsonObject json, JsonObject variables)
    {
        if (console.Json)
        {
            console.WriteJson(json);
        }
        else
        {
            var writer = console.Out;
            writer.WriteLine(console.Dim($"# FakeSalesforce is listening on {json["login_url"]}: org {json["org"]}, user {json["username"]} (pre-authorized)."));
            writer.WriteLine(console.Dim("# Set these in another shell, then run 'sfauth token' or your program. Ctrl+C stops the emulator."));
            foreach (var (name, value) in variables)
            {
                writer.WriteLine($"export {name}={ShellText.Quote((string)value!)}");
            }
        }

        // Scripts read stdout through a pipe: the settings must reach them now, not when the buffer fills.
        console.Out.Flush();
    }

    /// <summary>Waits for Ctrl+C (the tool's cancellation) or SIGTERM (a service manager, <c>docker stop</c>, <c>kill</c>).</summary>
    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            // Handled here: a clean stop (key deleted, exit 0) instead of the runtime's default termination.
            signal.Cancel = true;
            stop.Cancel();
        });

        // Stopping is how the emulator ends: it completes the wait rather than failing it.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stop.Token.Register(() => stopped.TrySetResult());
        await stopped.Task.ConfigureAwait(false);
    }

    private static int ParsePort(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new UsageException($"--port must be a whole number from 0 to {IPEndPoint.MaxPort} (0 picks a free port), not '{value}'.");
    }

    private static string ValidateOrg(string value) =>
        value.Length is > 0 and <= 40 && char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? value
            : throw new UsageException($"--org must be a My Domain name (letters, digits and hyphens, starting with a letter, at most 40 characters), not '{value}'.");

    private static string ValidateUser(string value) =>
        SalesforceUsername.IsWellFormed(value)
            ? value
            : throw new UsageException($"--user must be a username in email form (integration@acme.example), not '{value}'.");

    private static void DeleteIfPresent(string? path)
    {
        if (path is not null)
        {
            File.Delete(path);
        }
    }

    private sealed record EmulatorSettings(int Port, string Org, string User, string? ReadyFile);
}
