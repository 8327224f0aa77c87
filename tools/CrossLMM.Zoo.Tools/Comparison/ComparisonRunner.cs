using System;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Tools.Comparison;

/// <summary>Runs a comparison: the analytic sweep at the cost preset, then (optionally) the measured prefill at the bench preset.</summary>
public static class ComparisonRunner
{
    /// <summary>Runs it.</summary>
    /// <param name="options">What to compare.</param>
    /// <param name="progress">Progress of the measured cases.</param>
    /// <exception cref="ZooUserException">Unknown architectures, baseline or presets, bad frame counts.</exception>
    public static ComparisonResult Run(ComparisonOptions options, Action<BenchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var architectures = ZooCatalog.Resolve(options.Architectures);
        string costPreset = ZooCatalog.Preset(options.CostPreset), benchPreset = ZooCatalog.Preset(options.BenchPreset);
        string baseline = ZooCatalog.Find(options.Baseline).Stem;   // the report matches cost rows by stem
        if (options.CostFrames.Count == 0 || options.CostFrames.Any(f => f < 1) || options.BenchFrames.Any(f => f < 1))
        {
            throw new ZooUserException("frame counts must be ≥ 1");
        }

        if (options.TextTokens < 1)
        {
            throw new ZooUserException($"text tokens ({options.TextTokens}) must be ≥ 1");
        }

        var watch = Stopwatch.StartNew();
        var cost = CostSweep.Run(architectures.Select(a => a.Config(costPreset)), options.CostFrames, options.TextTokens, CostOptions.Default);
        double costSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var measured = options.Measure && options.BenchFrames.Count > 0
            ? PrefillBenchmark.Run(architectures.Select(a => a.Config(benchPreset)).ToArray(), options.BenchFrames.Distinct().OrderBy(f => f).ToArray(),
                options.TextTokens, options.Runs, options.Warmup, options.Seed, progress,
                caseBudget: options.CaseBudgetSeconds is double seconds ? TimeSpan.FromSeconds(seconds) : null)
            : Array.Empty<PrefillMeasurement>();
        return new ComparisonResult(options with { CostPreset = costPreset, BenchPreset = benchPreset, Baseline = baseline }, cost, measured, MachineInfo.Current(), costSeconds, watch.Elapsed.TotalSeconds);
    }
}
