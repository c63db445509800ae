using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

namespace SalesforceAuth.PackageTests;

/// <summary>
/// Packs the three packages into a local folder feed, restores a consumer from that feed (package references, not
/// project references), runs it against FakeSalesforce, and installs the sfauth tool from the same feed.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackageConsumptionTests : IClassFixture<PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackageConsumptionTests(PackedFeed feed) => _feed = feed;

    [Theory]
    [InlineData("SalesforceAuth")]
    [InlineData("SalesforceAuth.Testing")]
    [InlineData("sfauth")]
    public void Pack_ProducesPackageWithMetadataReadmeAndSymbols(string id)
    {
        var nupkg = _feed.Package(id);
        using var zip = ZipFile.OpenRead(nupkg);
        if (id == "sfauth")
        {
            // A tool package has no symbol package: its PDB is embedded in the tool's assembly.
            var tool = zip.Entries.Single(e => e.FullName.EndsWith("/sfauth.dll", StringComparison.Ordinal));
            using var toolStream = new MemoryStream();
            using (var entry = tool.Open())
            {
                entry.CopyTo(toolStream);
            }

            toolStream.Position = 0;
            using var pe = new PEReader(toolStream);
            Assert.Contains(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        }
        else
        {
            Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), $"{id} has no symbol package");
        }

        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Meta(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal(id, Meta("id"));
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")));
        Assert.False(string.IsNullOrWhiteSpace(Meta("tags")));
        Assert.False(string.IsNullOrWhiteSpace(Meta("releaseNotes")));
        Assert.Equal("MIT", Meta("license"));
        Assert.StartsWith("https://", Meta("projectUrl"), StringComparison.Ordinal);
        Assert.Equal("README.md", Meta("readme"));
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.NotNull(repository.Attribute("commit"));
    }

    [Fact]
    public async Task Consumer_RestoredFromFeedOnly_RunsAgainstFakeSalesforce()
    {
        var work = Directory.CreateTempSubdirectory("sfauth-consumer-");
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer")))
            {
                File.Copy(file, Path.Combine(work.FullName, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(work.FullName, "nuget.config"), _feed.NuGetConfig());
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            File.WriteAllText(Path.Combine(work.FullName, "global.json"), "{}");

            var result = await Cli.RunAsync("dotnet", $"run -c Release -p:SalesforceAuthVersion={_feed.Version}", work.FullName);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("consumer: token acquired for", result.Output, StringComparison.Ordinal);
            Assert.Contains("consumer: API call landed on the org's pod: 200", result.Output, StringComparison.Ordinal);

            var assets = File.ReadAllText(Path.Combine(work.FullName, "obj", "project.assets.json"));
            Assert.Contains($"\"SalesforceAuth/{_feed.Version}\"", assets, StringComparison.Ordinal);
            Assert.DoesNotContain("\"type\": \"project\"", assets, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Tool_InstalledFromFeed_PrintsHelp()
    {
        var toolPath = Directory.CreateTempSubdirectory("sfauth-tool-");
        try
        {
            var install = await Cli.RunAsync("dotnet", $"tool install sfauth --version {_feed.Version} --tool-path \"{toolPath.FullName}\" --add-source \"{_feed.Folder}\" --ignore-failed-sources", toolPath.FullName);
            Assert.True(install.ExitCode == 0, install.Output);

            var help = await Cli.RunAsync(Path.Combine(toolPath.FullName, "sfauth"), "--help", toolPath.FullName);
            Assert.True(help.ExitCode == 0, help.Output);
            foreach (var command in new[] { "token", "call", "assertion", "doctor", "introspect", "revoke" })
            {
                Assert.Contains(command, help.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            toolPath.Delete(recursive: true);
        }
    }
}

/// <summary>Packs the repository once per test run into a fresh folder feed.</summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("sfauth-feed-").FullName;

    public string Version { get; } = "1.0.0-ci." + Guid.NewGuid().ToString("N")[..8];

    public string Package(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Folder}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local">
              <package pattern="SalesforceAuth" />
              <package pattern="SalesforceAuth.*" />
              <package pattern="sfauth" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    public async ValueTask InitializeAsync()
    {
        var root = RepositoryRoot();
        foreach (var project in new[] { "src/SalesforceAuth", "src/SalesforceAuth.Testing", "src/SalesforceAuth.Cli" })
        {
            var result = await Cli.RunAsync("dotnet", $"pack {project} -c Release -o \"{Folder}\" -p:Version={Version} -p:ContinuousIntegrationBuild=true", root);
            Assert.True(result.ExitCode == 0, result.Output);
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesforceAuth.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SalesforceAuth.sln not found above " + AppContext.BaseDirectory);
    }
}

internal static class Cli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string arguments, string workingDirectory)
    {
        var psi = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var name in new[] { "SF_LOGIN_URL", "SF_CLIENT_ID", "SF_USERNAME", "SF_PRIVATE_KEY", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" })
        {
            psi.Environment.Remove(name);
        }

        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
