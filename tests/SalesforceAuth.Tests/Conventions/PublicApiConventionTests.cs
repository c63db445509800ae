using System.Reflection;
using System.Xml.Linq;

namespace SalesforceAuth.Tests.Conventions;

/// <summary>
/// Rules the public surface keeps once it ships (in the spirit of Duende's convention tests). A rule that has known
/// violations lists them by name: a new violation fails, and fixing a listed one fails until it is removed from the list.
/// </summary>
public sealed class PublicApiConventionTests
{
    /// <summary>The packages published to NuGet; their public API is supported for the life of a major version.</summary>
    private static readonly string[] ShippedPackages =
    [
        "SalesforceAuth",
        "SalesforceAuth.StackExchangeRedis",
        "SalesforceAuth.Grpc",
        "SalesforceAuth.Testing",
        "SalesforceAuth.Testing.Grpc",
    ];

    /// <summary>
    /// Public types that are neither sealed, static nor abstract on purpose: the base exception that callers catch and
    /// its specific subtypes derive from, and the options class that configuration binding and users' own option
    /// types may derive from.
    /// </summary>
    private static readonly string[] UnsealedByDesign =
    [
        "SalesforceAuth.SalesforceAuthenticationException",
    ];

    private static readonly Assembly Core = typeof(SalesforceToken).Assembly;

    [Fact]
    public void Exceptions_HaveNoPublicSetters()
    {
        // An exception says what the library saw: its data goes in through the constructor (SalesforceErrorDetails).
        var settable = Core.GetExportedTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => $"{t.Name}.{p.Name}"));

        // The other packages (SalesforceAuth.Grpc's SalesforceStreamInterruptedException) are not referenced here:
        // their public API files list every public setter as "Type.Property.set" or ".init".
        var declared = ShippedPackages
            .SelectMany(p => new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }.Select(f => Path.Combine(RepoRoot, "src", p, f)))
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"Exception\.\w+\.(set|init) -> void"));

        Assert.Empty(settable.Concat(declared));
    }

    [Fact]
    public void PublicTypes_AreSealedStaticOrAbstract_UnlessListed()
    {
        var open = Core.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !typeof(Delegate).IsAssignableFrom(t))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(UnsealedByDesign.Order(StringComparer.Ordinal), open);
    }

    [Fact]
    public void NoPublicType_LivesInAnInternalNamespace()
    {
        var misplaced = Core.GetExportedTypes()
            .Where(t => t.Namespace is { } ns && ns.Split('.').Contains("Internal", StringComparer.Ordinal))
            .Select(t => t.FullName);

        Assert.Empty(misplaced);
    }

    [Fact]
    public void ShippedPackages_HavePublicApiFiles()
    {
        var missing = ShippedPackages
            .SelectMany(p => new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }.Select(f => Path.Combine("src", p, f)))
            .Where(f => !File.Exists(Path.Combine(RepoRoot, f)));

        Assert.Empty(missing);
    }

    [Fact]
    public void ShippedPackages_DocumentEveryPublicMember()
    {
        // The compiler enforces it (CS1591 with GenerateDocumentationFile and warnings as errors); this keeps it on.
        var props = XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props"));
        Assert.Equal("true", props.Descendants("GenerateDocumentationFile").Single().Value);
        Assert.Equal("true", props.Descendants("TreatWarningsAsErrors").Single().Value);
        var suppressing = ShippedPackages
            .Select(p => Path.Combine(RepoRoot, "src", p, p + ".csproj"))
            .Where(f => XDocument.Load(f).Descendants().Any(e => e.Name.LocalName is "NoWarn" or "WarningsNotAsErrors" && e.Value.Contains("CS1591", StringComparison.Ordinal)));

        Assert.Empty(suppressing);
    }

    [Fact]
    public void ShippedPackages_DoNotShareInternals()
    {
        var found = ShippedPackages
            .SelectMany(p => XDocument.Load(Path.Combine(RepoRoot, "src", p, p + ".csproj"))
                .Descendants("InternalsVisibleTo")
                .Select(e => (string?)e.Attribute("Include"))
                .Where(friend => friend is not null && ShippedPackages.Contains(friend, StringComparer.Ordinal))
                .Select(friend => $"{p} -> {friend}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        // A package built against another's internals breaks at run time when the two are updated apart, and package
        // validation cannot see it: packages meet through public, documented seams only.
        Assert.Empty(found);
    }

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SalesforceAuth.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (SalesforceAuth.sln) was not found above " + AppContext.BaseDirectory);
    }
}
