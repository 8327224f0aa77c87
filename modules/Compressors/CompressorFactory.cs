using System;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Builds the compressor a <see cref="CompressorConfig"/> record names (the runtime builder's entry point). It keeps no
/// list of kinds: kind K's block is <c>KCompressor</c> in this namespace, built through its public constructor that takes
/// <c>KCompressorConfig</c> first, each further parameter given the part of the architecture
/// <see cref="BlockWiring.ArgumentFor"/> names — the description the source generator reads from the same constructor's
/// symbol, so the generated module calls exactly this constructor. Every block's token count equals
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
    public static VisualCompressor Create(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        var constructor = ConstructorOf(config.Kind)
            ?? throw new ArgumentException($"compressor.kind ({config.KindName}) has no block: {BlockWiring.CompressorBlock(config.Kind)} with a public constructor taking {config.GetType().Name} first", nameof(config));
        var arguments = constructor.GetParameters().Select(p => BlockWiring.ArgumentFor(p.ParameterType.FullName!, p.Name!) switch
        {
            "Compressor" => config,
            "Vision" => vision,
            "Resampler" => resampler,
            "Llm.Hidden" => Convert.ChangeType(textWidth, p.ParameterType, System.Globalization.CultureInfo.InvariantCulture),
            var other => throw new ArgumentException($"{constructor.DeclaringType!.Name}: parameter {p.Name} takes {other ?? "nothing the builder knows"}", nameof(config)),
        }).ToArray();
        try
        {
            return (VisualCompressor)constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The compressor of a bound architecture (text width = llm.hidden), with its slow-source stride.</summary>
    /// <param name="architecture">The bound architecture.</param>
    public static VisualCompressor Create(ArchitectureConfig architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Create(architecture.Compressor, architecture.Vision, architecture.Resampler, architecture.Llm.Hidden)
            .WithSlowStride(architecture.Compressor.SlowSourceStride);
    }

    /// <summary>The block type of <paramref name="kind"/> (<see cref="BlockWiring.CompressorBlock"/>), or null when this assembly has none.</summary>
    /// <param name="kind">The kind.</param>
    public static Type? BlockType(CompressorKind kind) => typeof(VisualCompressor).Assembly.GetType(BlockWiring.CompressorBlock(kind));

    private static ConstructorInfo? ConstructorOf(CompressorKind kind) =>
        BlockType(kind)?.GetConstructors().FirstOrDefault(c =>
            c.GetParameters() is { Length: > 0 } p && p[0].ParameterType.FullName == BlockWiring.CompressorRecord(kind));
}
