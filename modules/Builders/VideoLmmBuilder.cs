using System;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Vision;

namespace CrossLMM.Zoo.Modules;

/// <summary>
/// Builds a freshly initialised <see cref="VideoLmm"/> from a bound <see cref="ArchitectureConfig"/> (the
/// runtime path of <c>Zoo.Build</c>; the source generator emits the same constructor calls). Each part has
/// its own factory method; all build the block the kind's <see cref="BlockForAttribute"/> names (<see cref="Blocks"/>),
/// so a new kind needs no case here.
/// </summary>
public static class VideoLmmBuilder
{
    /// <summary>The whole model: vision tower, compressor, projector(s), language model with its fusion plan, layout.</summary>
    /// <param name="config">A bound architecture at one size preset.</param>
    /// <exception cref="ArgumentException">The config breaks a rule (see <see cref="ArchitectureConfig.Validate"/>).</exception>
    public static VideoLmm Build(ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        return new VideoLmm(
            BuildVisionTower(config),
            BuildCompressor(config),
            BuildProjector(config),
            BuildSourceProjector(config),
            BuildLanguageModel(config),
            config.Layout);
    }

    /// <summary><c>vision.kind</c>: ViT or precomputed pass-through.</summary>
    /// <param name="config">The architecture.</param>
    public static VisionEncoder BuildVisionTower(ArchitectureConfig config) => VisionFactory.Create(NotNull(config).Vision);

    /// <summary><c>compressor.kind</c>.</summary>
    /// <param name="config">The architecture.</param>
    public static VisualCompressor BuildCompressor(ArchitectureConfig config) => CompressorFactory.Create(NotNull(config));

    /// <summary><c>projector.kind</c>: compressor output width → llm.hidden.</summary>
    /// <param name="config">The architecture.</param>
    public static VisualProjector BuildProjector(ArchitectureConfig config) => ProjectorFactory.Create(NotNull(config));

    /// <summary>The second projector for vision-space fusion sources, or null (<see cref="ArchitectureConfig.NeedsSourceProjector"/>).</summary>
    /// <param name="config">The architecture.</param>
    public static VisualProjector? BuildSourceProjector(ArchitectureConfig config) => ProjectorFactory.CreateSourceProjector(NotNull(config));

    /// <summary>The Qwen2 LM, each layer built per the explicit <see cref="ArchitectureConfig.LayerPlan"/>.</summary>
    /// <param name="config">The architecture.</param>
    public static Qwen2ForCausalLM BuildLanguageModel(ArchitectureConfig config)
    {
        NotNull(config);
        var plan = config.LayerPlan;
        Func<int, DecoderLayer> layer = i => BuildLayer(config.Llm, plan[i] is int f ? config.Fusion[f] : null);
        return Blocks.Create<Qwen2ForCausalLM>(config.Llm, wired => wired == BlockWiring.Layers ? layer : null);
    }

    /// <summary>
    /// One decoder layer: plain, carrying a fusion block (<c>dual_cross_attention</c> after it,
    /// <c>gated_cross_attention</c> before it), or a Slow-Fast hybrid layer (<c>hybrid</c>).
    /// </summary>
    /// <param name="llm">LLM sizes.</param>
    /// <param name="fusion">The fusion entry on this layer, or null.</param>
    /// <exception cref="ArgumentException">An entry that does not fit the LLM.</exception>
    public static DecoderLayer BuildLayer(LanguageModelConfig llm, FusionConfig? fusion)
    {
        if (fusion is null)
        {
            return new Qwen2DecoderLayer(llm);
        }

        // The kind's block: a decoder layer itself (hybrid), or a block the layer carries.
        return Blocks.Create<torch.nn.Module>(fusion, wired => wired == BlockWiring.Llm ? llm : null) switch
        {
            DecoderLayer layer => layer,
            DecoderFusion block => new Qwen2DecoderLayer(llm, block),
            var other => throw new ArgumentException($"fusion kind {fusion.KindName}: its block {other.GetType().Name} is neither a DecoderLayer nor a DecoderFusion", nameof(fusion)),
        };
    }

    private static ArchitectureConfig NotNull(ArchitectureConfig config) => config ?? throw new ArgumentNullException(nameof(config));
}
