using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SalesforceAuth.Tests;

/// <summary>
/// The tests build once per target framework of the package, and each build must run on that runtime: the net8.0 leg
/// is a self-contained executable on the .NET 8 runtime pack, because the machine has only the .NET 10 runtime. Were
/// it ever rolled forward onto .NET 10, the counts would look the same while the net8.0 code went untested.
/// </summary>
public sealed class TargetRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void RunsOnTheRuntimeItTargets_AgainstTheLibraryBuiltForIt()
    {
        var target = TargetOf(typeof(TargetRuntimeTests).Assembly);

        // .ci/run prints this line from the TRX file, next to the runtime's test counts.
        output.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription} for {target.Identifier} {target.Version}");

        Assert.Equal(".NETCoreApp", target.Identifier);
        Assert.Equal(target.Version, new Version(Environment.Version.Major, Environment.Version.Minor));
        Assert.Equal(target, TargetOf(typeof(SalesforceSigningKey).Assembly));
    }

    private static FrameworkName TargetOf(Assembly assembly) =>
        new(assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
}
