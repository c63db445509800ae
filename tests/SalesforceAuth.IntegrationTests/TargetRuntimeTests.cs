using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SalesforceAuth.IntegrationTests.Emulator;

namespace SalesforceAuth.IntegrationTests;

/// <summary>
/// Each target framework's build runs on that runtime, FakeSalesforce included: the net8.0 leg is a self-contained
/// executable carrying the .NET 8 and ASP.NET Core 8 runtime packs (the machine has only .NET 10), so Kestrel serves
/// the emulator from ASP.NET Core 8 there.
/// </summary>
public sealed class TargetRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FakeSalesforce_ServesFromTheAspNetCoreOfTheTargetRuntime()
    {
        var target = new FrameworkName(typeof(TargetRuntimeTests).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        var kestrel = typeof(KestrelServerOptions).Assembly;
        var aspNetCore = kestrel.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        await using var kit = await EmulatorKit.StartAsync();
        var token = await kit.JwtTokenAsync();

        // .ci/run prints this line from the TRX file, next to the runtime's test counts.
        output.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}, ASP.NET Core {aspNetCore} for {target.Identifier} {target.Version}");
        Assert.False(string.IsNullOrEmpty(token.GetProperty("access_token").GetString()));
        Assert.Equal(target.Version, new Version(Environment.Version.Major, Environment.Version.Minor));
        Assert.Equal(target.Version, new Version(kestrel.GetName().Version!.Major, kestrel.GetName().Version!.Minor));
    }
}
