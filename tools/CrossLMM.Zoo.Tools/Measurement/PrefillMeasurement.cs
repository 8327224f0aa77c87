using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>
/// Measured prefill of one architecture at one frame count on this machine: wall-clock times of complete
/// forward passes (vision → compressor → projector → LLM with fusion → logits) under <c>no_grad</c> with
/// batch 1, after warm-up runs, and the peak resident memory the passes added.
/// </summary>
/// <param name="Architecture">C# name.</param>
/// <param name="Stem">YAML stem.</param>
/// <param name="Preset">Size preset (e.g. <c>small</c>).</param>
/// <param name="Frames">T.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="StreamTokens">LLM stream length S the pass ran.</param>
/// <param name="WarmupRuns">Untimed runs before the timed ones.</param>
/// <param name="TimesMs">Each timed run, in order.</param>
/// <param name="MedianMs">Median of <paramref name="TimesMs"/>.</param>
/// <param name="MinMs">Fastest run.</param>
/// <param name="PeakBytes">Peak RSS during the timed runs minus the RSS just before them (null where /proc is missing).</param>
/// <param name="MemoryMethod">How <paramref name="PeakBytes"/> was measured.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Device">Where it ran (<c>cpu</c>, <c>cuda</c>).</param>
/// <param name="AnalyticFlops">The cost model's FLOPs for the same pass (LM head on every position, as the forward computes all logits).</param>
/// <param name="Dtype">Floating-point type of the weights and the video: float32, bfloat16 or float16.</param>
public sealed record PrefillMeasurement(
    string Architecture,
    string Stem,
    string Preset,
    int Frames,
    int TextTokens,
    long StreamTokens,
    int WarmupRuns,
    IReadOnlyList<double> TimesMs,
    double MedianMs,
    double MinMs,
    long? PeakBytes,
    string MemoryMethod,
    int Threads,
    string Device,
    long AnalyticFlops,
    string Dtype = "float32")
{
    /// <summary>Achieved GFLOP/s: analytic FLOPs over the median time.</summary>
    public double GflopsPerSecond => MedianMs > 0 ? AnalyticFlops / 1e9 / (MedianMs / 1000) : 0;
}
