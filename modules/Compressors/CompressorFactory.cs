using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Builds the compressor a <see cref="CompressorConfig"/> record names (the runtime builder's entry point; the
/// generated code calls the same constructors). Every block's token count equals
/// <see cref="CompressorConfig.Tokens"/> and its output width <see cref="CompressorConfig.OutputWidth"/>.
/// </summary>
public static class CompressorFactory
{
    /// <summary>
    /// Maps each kind to its block: identity → <see cref="IdentityCompressor"/>, pool2d →
    /// <see cref="Pool2dCompressor"/>, strided_pool2d → <see cref="StridedPool2dCompressor"/>, temporal_pool →
    /// <see cref="TemporalPoolCompressor"/>, qformer → <see cref="QFormerCompressor"/>, perceiver →
    /// <see cref="PerceiverCompressor"/>, ccam → <see cref="CcamCompressor"/>, llama_vid → <see cref="LlamaVidCompressor"/>.
    /// </summary>
    /// <param name="config">The compressor record.</param>
    /// <param name="vision">Vision section: patch grid g and feature width D.</param>
    /// <param name="resampler">Resampler section: sizes of the learned-query kinds (ignored by the pooling kinds).</param>
    /// <param name="textWidth">Width of the embedded prompt (llm.hidden); only LLaMA-VID reads text.</param>
    /// <exception cref="ArgumentException">A config is invalid or the kind is unknown.</exception>
    public static VisualCompressor Create(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config switch {
            IdentityCompressorConfig c => new IdentityCompressor(c, vision),
            Pool2dCompressorConfig c => new Pool2dCompressor(c, vision),
            StridedPool2dCompressorConfig c => new StridedPool2dCompressor(c, vision),
            TemporalPoolCompressorConfig c => new TemporalPoolCompressor(c, vision),
            QFormerCompressorConfig c => new QFormerCompressor(c, vision, resampler),
            PerceiverCompressorConfig c => new PerceiverCompressor(c, vision, resampler),
            CcamCompressorConfig c => new CcamCompressor(c, vision, resampler),
            LlamaVidCompressorConfig c => new LlamaVidCompressor(c, vision, resampler, textWidth),
            _ => throw new ArgumentException($"compressor.kind ({config.KindName}) has no block", nameof(config)),
        };
    }

    /// <summary>The compressor of a bound architecture (text width = llm.hidden).</summary>
    /// <param name="architecture">The bound architecture.</param>
    public static VisualCompressor Create(ArchitectureConfig architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Create(architecture.Compressor, architecture.Vision, architecture.Resampler, architecture.Llm.Hidden);
    }
}
