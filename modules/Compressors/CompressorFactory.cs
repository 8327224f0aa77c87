using System;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Builds the compressor a <see cref="CompressorConfig"/> record names (the runtime builder's entry point). It keeps no
/// list of kinds: the block marked <c>[BlockFor(typeof(KCompressorConfig))]</c> is built by <see cref="Blocks.Create"/>
/// through its public constructor that takes the record first — the description the source generator reads from the
/// same constructor's symbol, so the generated module calls exactly this constructor. Every block's token count equals
/// <see cref="CompressorConfig.Tokens"/> and its output width <see cref="CompressorConfig.OutputWidth"/>.
/// </summary>
public static class CompressorFactory
{
    /// <summary>The block of <paramref name="config"/>'s kind, sized by the vision and resampler sections.</summary>
    /// <param name="config">The compressor record.</param>
    /// <param name="vision">Vision section: patch grid g and feature width D.</param>
    /// <param name="resampler">Resampler section: sizes of the learned-query kinds (ignored by the pooling kinds).</param>
    /// <param name="textWidth">Width of the embedded prompt (llm.hidden); only text-guided kinds (LLaMA-VID) read text.</param>
    /// <exception cref="ArgumentException">A config is invalid or the kind has no block.</exception>
    public static VisualCompressor Create(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth) =>
        Blocks.Create<VisualCompressor>(config, wired => wired switch
        {
            BlockWiring.Vision => vision,
            BlockWiring.Resampler => resampler,
            BlockWiring.LlmHidden => textWidth,
            _ => null,
        });

    /// <summary>The compressor of a bound architecture (text width = llm.hidden), with its slow-source stride.</summary>
    /// <param name="architecture">The bound architecture.</param>
    public static VisualCompressor Create(ArchitectureConfig architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Create(architecture.Compressor, architecture.Vision, architecture.Resampler, architecture.Llm.Hidden)
            .WithSlowStride(architecture.Compressor.SlowSourceStride);
    }
}
