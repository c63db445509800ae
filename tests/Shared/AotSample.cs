using System.Diagnostics;
using System.Text;
using SalesforceAuth.Testing;

namespace SalesforceAuth.AotSample;

/// <summary>
/// FakeSalesforce with an org, a user and a connected app set up for samples/AotConsole, and the <c>SF_*</c> variables
/// that point the sample at it. Shared (as a linked source file) by the CI test of the native binary and the startup
/// measurement, so both run the same program against the same emulated org.
/// </summary>
internal sealed class AotSampleOrg : IAsyncDisposable
{
    private readonly DirectoryInfo _work;
    private readonly FakeSalesforceKeyPair _keyPair;

    private AotSampleOrg(FakeSalesforce emulator, FakeOrg org, DirectoryInfo work, FakeSalesforceKeyPair keyPair, IReadOnlyDictionary<string, string> environment)
    {
        Emulator = emulator;
        _keyPair = keyPair;
        Org = org;
        _work = work;
        Environment = environment;
    }

    public FakeSalesforce Emulator { get; }

    public FakeOrg Org { get; }

    /// <summary>The variables the sample reads: the emulator's login URL on loopback, the app, the user and the key file.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static async Task<AotSampleOrg> StartAsync(CancellationToken cancellationToken)
    {
        // Plain HTTP: the sample is configured from SF_* variables like a user's program against `sfauth emulator`
        // (SF_ALLOW_INSECURE_LOOPBACK=1), with no way to trust the emulator's generated CA.
        var emulator = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { UseHttps = false }, cancellationToken);
        var work = Directory.CreateTempSubdirectory("sfauth-aot-org-");
        // The connected app verifies assertions with this pair's certificate as long as the emulator runs.
        var keyPair = FakeSalesforceCertificates.CreateKeyPair("CN=SalesforceAuth AOT sample");
        try
        {
            var org = emulator.AddOrg("acme");
            var user = org.AddUser("integration@acme.example");
            var app = new FakeConnectedApp
            {
                Certificate = keyPair.PublicCertificate,
                PermittedUsers = FakePermittedUsers.AdminApprovedPreAuthorized,
            };
            app.PreAuthorizedUsers.Add(user);
            emulator.AddConnectedApp(app);

            // The key is generated for this run and deleted with the folder.
            var keyPath = Path.Combine(work.FullName, "sample.key");
            await File.WriteAllTextAsync(keyPath, keyPair.PrivateKeyPem, cancellationToken);
            var environment = new Dictionary<string, string>
            {
                ["SF_LOGIN_URL"] = emulator.LoginUrl.ToString(),
                ["SF_CLIENT_ID"] = app.ConsumerKey,
                ["SF_USERNAME"] = user.Username,
                ["SF_PRIVATE_KEY"] = keyPath,
                ["SF_ALLOW_INSECURE_LOOPBACK"] = "1",
            };
            return new AotSampleOrg(emulator, org, work, keyPair, environment);
        }
        catch
        {
            await emulator.DisposeAsync();
            keyPair.Dispose();
            work.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Starts <paramref name="executable"/> with this org's variables (and no <c>SF_*</c> inherited), output redirected.</summary>
    public ProcessStartInfo StartInfo(string executable)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("SF_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(name);
        }

        foreach (var (name, value) in Environment)
        {
            psi.Environment[name] = value;
        }

        return psi;
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        _keyPair.Dispose();
        _work.Delete(recursive: true);
    }
}

/// <summary>Publishes samples/AotConsole, natively or for the JIT, into a folder of its own.</summary>
internal static class AotSampleBuild
{
    /// <summary>
    /// Runs the sample's publish command. <c>--artifacts-path</c> gives this publish its own obj and bin folders for the
    /// sample and the packages it references, so it never shares them with a build running beside it (dotnet test
    /// builds and packs the same projects).
    /// </summary>
    /// <param name="artifactsPath">A new, empty folder.</param>
    /// <param name="aot">Native AOT (<c>-p:PublishAot=true</c>) or the same program for the JIT.</param>
    /// <param name="cancellationToken">Stops waiting (the publish is killed).</param>
    /// <returns>The exit code, the build's output, and the published executable.</returns>
    public static async Task<(int ExitCode, string Output, string Executable)> PublishAsync(string artifactsPath, bool aot, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("dotnet", $"publish samples/AotConsole -c Release -p:PublishAot={(aot ? "true" : "false")} --artifacts-path \"{artifactsPath}\"")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        // Set by the test host's own build; a child build must find its own SDK.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" })
        {
            psi.Environment.Remove(name);
        }

        var (exitCode, output) = await RunAsync(psi, cancellationToken);
        return (exitCode, output, Path.Combine(artifactsPath, "publish", "AotConsole", "release", "AotConsole"));
    }

    /// <summary>
    /// The warnings of a build, less those about this checkout rather than the code (SourceLink finds no remote in a
    /// worktree or a copy without one).
    /// </summary>
    public static List<string> Warnings(string output) =>
        [.. output.Split('\n')
            .Where(line => line.Contains(": warning ", StringComparison.Ordinal))
            .Where(line => !line.Contains("Microsoft.Build.Tasks.Git", StringComparison.Ordinal) && !line.Contains("Microsoft.SourceLink", StringComparison.Ordinal))
            .Select(line => line.Trim())
            .Distinct()];

    /// <summary>Whether the Native AOT toolchain's linker (clang) is on PATH; eng/install-test-tools.sh installs it.</summary>
    public static bool HasNativeToolchain() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "clang")));

    /// <summary>Runs a process to its end and returns its exit code and output (standard output, then standard error).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, new StringBuilder().Append(await stdout).Append(await stderr).ToString());
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesforceAuth.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SalesforceAuth.sln not found above " + AppContext.BaseDirectory);
    }
}
