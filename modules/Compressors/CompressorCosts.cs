using System;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// A compressor block that states its own cost next to its forward pass, so a new kind needs no case in the cost model
/// (<see cref="VisualBlockFlops"/> and <see cref="BlockParameters"/> ask <see cref="BlockCosts"/>, which calls it). The numbers must equal what the engine counts in a forward and <c>named_parameters()</c>; the kind
/// coverage tests hold every kind to that.
/// </summary>
/// <typeparam name="TConfig">The kind's record.</typeparam>
public interface ICompressorCost<TConfig>
    where TConfig : CompressorConfig
{
    /// <summary>FLOPs of one forward on (B, T, N, D) features (and a prompt of L tokens for text-guided kinds), charged to the compressor.</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section (N, D).</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="frames">T ≥ 0.</param>
    /// <param name="promptTokens">L ≥ 0.</param>
    static abstract FlopBreakdown Flops(TConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens);

    /// <summary>Parameters of the block.</summary>
    /// <param name="config">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    static abstract long Parameters(TConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth);
}
