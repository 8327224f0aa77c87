using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CrossLMM.Bench;

/// <summary>A C# measurement: BenchmarkDotNet's statistics, per operation.</summary>
public sealed record Measured(BenchCase Case, double MedianNs, double MinNs, double MeanNs, double StdDevNs, int Iterations);

/// <summary>
/// Runs cases with BenchmarkDotNet, in process (InProcessEmitToolchain): no generated project to build,
/// and the native engine is loaded exactly as in applications. The quick job is a smoke run (1 warm-up,
/// 5 iterations of ~50 ms); the full job uses 3 warm-ups and 10 iterations of ~250 ms.
/// </summary>
public static class DotNetRun
{
    public static IReadOnlyList<Measured> Run(IReadOnlyList<BenchCase> cases, BenchOptions options, TextWriter log)
    {
        var job = (options.Quick
                ? Job.Default.WithId("quick").WithWarmupCount(1).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(50))
                : Job.Default.WithId("full").WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(250)))
            .WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance);
        var selected = new HashSet<MethodInfo>(cases.Select(c => c.Method));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            .AddFilter(new SimpleFilter(b => selected.Contains(b.Descriptor.WorkloadMethod)))
            .WithArtifactsPath(Path.Combine(options.OutputDirectory, "bdn"))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        if (!IsOptimized()) {
            log.WriteLine("warning: this is not a Release build; numbers are not meaningful (run with -c Release)");
            config = config.WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
        var runInfos = cases.Select(c => c.Type).Distinct().Select(t => BenchmarkConverter.TypeToBenchmarks(t, config)).ToArray();
        var summaries = BenchmarkRunner.Run(runInfos);
        var results = new List<Measured>();
        foreach (var report in summaries.SelectMany(s => s.Reports)) {
            var method = report.BenchmarkCase.Descriptor.WorkloadMethod;
            var c = cases.First(x => x.Method == method);
            var s = report.ResultStatistics;
            if (s is null) {
                log.WriteLine($"warning: {c.Name} produced no result (it failed; see the BenchmarkDotNet log above)");
                continue;
            }
            results.Add(new Measured(c, s.Median, s.Min, s.Mean, s.StandardDeviation, s.N));
        }
        return results;
    }

    private static bool IsOptimized() =>
        typeof(DotNetRun).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
}
