using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace SalesforceAuth.PackageTests;

/// <summary>
/// Packs the packages into a local folder feed, restores a net10.0 consumer and a net8.0 one pinned to the 8.0
/// Microsoft.Extensions line from that feed (package references, not project references), runs each against
/// FakeSalesforce on its own runtime, and installs the sfauth tool from the same feed.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackageConsumptionTests : IClassFixture<PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackageConsumptionTests(PackedFeed feed) => _feed = feed;

    [Theory]
    [InlineData("SalesforceAuth")]
    [InlineData("SalesforceAuth.Testing")]
    [InlineData("SalesforceAuth.StackExchangeRedis")]
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

    [Theory]
    [InlineData("SalesforceAuth")]
    [InlineData("SalesforceAuth.Testing")]
    [InlineData("SalesforceAuth.StackExchangeRedis")]
    public void Pack_EachTargetDependsOnItsOwnRuntimeLine(string id)
    {
        using var zip = ZipFile.OpenRead(_feed.Package(id));
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var groups = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "group" && e.Parent!.Name.LocalName == "dependencies").ToDictionary(
            g => (string)g.Attribute("targetFramework")!,
            g => g.Elements().Select(d => ((string)d.Attribute("id")!, (string)d.Attribute("version")!)).ToList());

        Assert.Equal(["net10.0", "net8.0"], groups.Keys.Order(StringComparer.Ordinal));
        foreach (var (framework, line) in new[] { ("net8.0", "8."), ("net10.0", "10.") })
        {
            // A .NET 8 app keeps its 8.0 Microsoft.Extensions assemblies; TimeProvider is in the BCL on both targets.
            var runtimeTrain = groups[framework].Where(d => d.Item1.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)).ToList();
            Assert.All(runtimeTrain, d => Assert.StartsWith(line, d.Item2, StringComparison.Ordinal));
            Assert.DoesNotContain(groups[framework], d => d.Item1 == "Microsoft.Bcl.TimeProvider");
            Assert.Equal(id != "SalesforceAuth.Testing", runtimeTrain.Count > 0);
        }
    }

    [Theory]
    [InlineData("Consumer.csproj", ".NET 10.")]
    [InlineData("Net8Consumer.csproj", ".NET 8.")]
    public async Task Consumer_RestoredFromFeedOnly_RunsAgainstFakeSalesforce(string project, string runtime)
    {
        var work = Directory.CreateTempSubdirectory("sfauth-consumer-");
        try
        {
            var consumer = Path.Combine(AppContext.BaseDirectory, "Consumer");
            File.Copy(Path.Combine(consumer, "Program.cs"), Path.Combine(work.FullName, "Program.cs"));
            File.Copy(Path.Combine(consumer, project), Path.Combine(work.FullName, project));
            File.WriteAllText(Path.Combine(work.FullName, "nuget.config"), _feed.NuGetConfig());
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            File.WriteAllText(Path.Combine(work.FullName, "global.json"), "{}");

            // The net8.0 consumer pins the 8.0 Microsoft.Extensions line: a package asking for more fails restore (NU1605).
            var result = await Cli.RunAsync("dotnet", $"run -c Release -p:SalesforceAuthVersion={_feed.Version}", work.FullName);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains($"consumer: runtime {runtime}", result.Output, StringComparison.Ordinal);
            Assert.Contains("consumer: token acquired for", result.Output, StringComparison.Ordinal);
            Assert.Contains("consumer: API call landed on the org's pod: 200", result.Output, StringComparison.Ordinal);

            var assets = File.ReadAllText(Path.Combine(work.FullName, "obj", "project.assets.json"));
            Assert.Contains($"\"SalesforceAuth/{_feed.Version}\"", assets, StringComparison.Ordinal);
            Assert.DoesNotContain("\"type\": \"project\"", assets, StringComparison.Ordinal);
            var extensions = JsonDocument.Parse(assets).RootElement.GetProperty("libraries").EnumerateObject()
                .Select(library => library.Name).Where(name => name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(extensions);
            Assert.All(extensions, name => Assert.Contains("/" + runtime[".NET ".Length..], name, StringComparison.Ordinal));
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
            foreach (var command in new[] { "token", "call", "assertion", "doctor", "introspect", "revoke", "emulator" })
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
        foreach (var project in new[] { "src/SalesforceAuth", "src/SalesforceAuth.Testing", "src/SalesforceAuth.StackExchangeRedis", "src/SalesforceAuth.Cli" })
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
