using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace SalesforceAuth.Benchmarks;

/// <summary>The two ways the benchmarks run: <c>--quick</c> (minutes, in process) and the default (a quiet machine).</summary>
public static class BenchmarkConfigs
{
    /// <summary>
    /// A short job in this process: no generated project to build (that alone takes minutes on 2 busy cores), 10
    /// iterations of 100 ms, so a case and its floor are measured seconds apart (the scorecard takes the median of the
    /// iterations, then of the ratios of 5 passes). Enough for ratios within one run; not for
    /// publishing absolute numbers.
    /// </summary>
    public static IConfig Quick() => DefaultConfig.Instance
        .AddJob(Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(TimeInterval.FromMilliseconds(100))
            .WithId("Quick"))
        .AddColumn(StatisticColumn.P95)
        .WithOptions(ConfigOptions.JoinSummary);

    /// <summary>BenchmarkDotNet's default job (out of process), plus whatever the command line adds.</summary>
    public static IConfig Full() => DefaultConfig.Instance
        .AddColumn(StatisticColumn.P95)
        .WithOptions(ConfigOptions.JoinSummary);
}
