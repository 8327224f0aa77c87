using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Comparison;

/// <summary>
/// What <c>zoo compare</c> runs. Defaults: every architecture; the analytic cost at the 7b preset for 32, 64,
/// 128 and 256 frames with a 64-token question; measured prefill at the small preset for 8 and 16 frames,
/// up to 3 timed runs after 1 warm-up, fewer once a case has taken 3 s (the whole command stays under two minutes on
/// an otherwise idle 2-core machine).
/// </summary>
public sealed record ComparisonOptions
{
    /// <summary>Stems or names to compare; null or empty = the whole zoo, in catalogue order.</summary>
    public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary>Preset of the analytic cost (paper scale).</summary>
    public string CostPreset { get; init; } = "7b";

    /// <summary>Frame counts of the analytic cost.</summary>
    public IReadOnlyList<int> CostFrames { get; init; } = new[] { 32, 64, 128, 256 };

    /// <summary>Text tokens of the question (cost and measurement).</summary>
    public int TextTokens { get; init; } = 64;

    /// <summary>Preset of the measured prefill (CPU-sized).</summary>
    public string BenchPreset { get; init; } = "small";

    /// <summary>Frame counts of the measured prefill.</summary>
    public IReadOnlyList<int> BenchFrames { get; init; } = new[] { 8, 16 };

    /// <summary>Timed runs per measured case.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Untimed warm-up runs per measured case.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>
    /// Time a measured case may take before it stops adding timed runs (at least one is kept): the full-token
    /// baseline at 16 frames takes seconds per pass on two cores while most architectures take a fraction of one.
    /// Null = always <see cref="Runs"/>.
    /// </summary>
    public double? CaseBudgetSeconds { get; init; } = 3;

    /// <summary>Whether to measure latency at all (false: cost only, seconds).</summary>
    public bool Measure { get; init; } = true;

    /// <summary>Seed of weights and inputs of the measured runs.</summary>
    public long Seed { get; init; }

    /// <summary>The architecture the ratios are relative to, by stem or name (CrossLMM's efficiency baseline is LLaVA-OneVision); the result's options hold its stem.</summary>
    public string Baseline { get; init; } = "llava-ov";
}
