using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// One architecture of the zoo bound to one size preset: what the spec core produces from
    /// <c>architectures/&lt;stem&gt;.yaml</c> + <c>zoo.yaml</c>, what the generated <c>&lt;Name&gt;Config</c>
    /// records wrap, and what the blocks are built from. Every derived size is computed here, once.
    /// Shapes: B batch, T frames, N = <see cref="EncoderTokensPerFrame"/>, D = vision.hidden, H = llm.hidden.
    /// </summary>
    /// <param name="Name">C# type name of the architecture (a validated identifier, e.g. <c>CrossLmm</c>).</param>
    /// <param name="Stem">File stem of its YAML (e.g. <c>crosslmm</c>); the name used in zoo.yaml and on the command line.</param>
    /// <param name="Paper">Reference to the paper it follows (e.g. <c>arXiv:2505.17020</c>), or empty.</param>
    /// <param name="Summary">One-line description from the YAML.</param>
    /// <param name="SourceFile">The YAML file, relative to the directory of zoo.yaml (e.g. <c>architectures/crosslmm.yaml</c>).</param>
    /// <param name="Preset">The size preset these sizes come from (<c>tiny</c>, <c>small</c>, <c>2b</c>, <c>7b</c>, ...).</param>
    /// <param name="Vision">The vision encoder.</param>
    /// <param name="Resampler">Sizes of learned-query resamplers (used when <see cref="CompressorConfig.UsesResampler"/>).</param>
    /// <param name="Compressor">The compressor (one of the sealed <see cref="CompressorConfig"/> records).</param>
    /// <param name="Projector">The projector to the LLM width.</param>
    /// <param name="Llm">The language model.</param>
    /// <param name="Fusion">The in-LLM fusion entries, with their layers expanded.</param>
    /// <param name="Layout">Where the video sits in the LLM stream.</param>
    public sealed record ArchitectureConfig(
        string Name,
        string Stem,
        string Paper,
        string Summary,
        string SourceFile,
        string Preset,
        VisionConfig Vision,
        ResamplerConfig Resampler,
        CompressorConfig Compressor,
        ProjectorConfig Projector,
        LanguageModelConfig Llm,
        EquatableArray<FusionConfig> Fusion,
        Layout Layout)
    {
        /// <summary>Side g of the patch grid (image / patch).</summary>
        public int PatchGrid => Vision.PatchGrid;

        /// <summary>Encoder tokens per frame N = g².</summary>
        public int EncoderTokensPerFrame => Vision.TokensPerFrame;

        /// <summary>Width of the compressor's output tokens (vision.hidden or resampler.hidden).</summary>
        public int CompressorOutputWidth => Compressor.OutputWidth(Vision, Resampler);

        /// <summary>Input width of the model's projector (= <see cref="CompressorOutputWidth"/>); its output width is llm.hidden.</summary>
        public int ProjectorInputWidth => CompressorOutputWidth;

        /// <summary>Whether the compressed tokens enter the LLM stream (every layout except <c>cross_attention_only</c>).</summary>
        public bool HasVisualTokensInStream => Layout != Layout.CrossAttentionOnly;

        /// <summary>Whether the compressor yields a fixed token count per frame (see <see cref="CompressorConfig.IsPerFrame"/>).</summary>
        public bool IsPerFrame => Compressor.IsPerFrame;

        /// <summary>Visual tokens per frame in the LLM stream for per-frame compressors; null otherwise (and 0 for cross_attention_only).</summary>
        public int? StreamTokensPerFrame => HasVisualTokensInStream ? Compressor.TokensPerFrame(PatchGrid) : 0;

        /// <summary>The compressor's output tokens for <paramref name="frames"/> frames, whether or not they enter the stream.</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public long CompressedTokens(int frames) => Compressor.Tokens(frames, PatchGrid);

        /// <summary>Visual tokens in the LLM stream for <paramref name="frames"/> frames (0 for cross_attention_only).</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public long StreamTokens(int frames) => HasVisualTokensInStream ? CompressedTokens(frames) : (frames < 0 ? CompressedTokens(frames) : 0);

        /// <summary>The stream-token formula in symbols (T = frames, g = patch grid side), e.g. <c>T·grid²</c>.</summary>
        public string TokensFormula => HasVisualTokensInStream ? Compressor.TokensFormula : "0 (cross-attention only)";

        /// <summary>The stream-token formula at this preset, e.g. <c>9·T</c>.</summary>
        public string TokensFormulaAtPreset => HasVisualTokensInStream ? Compressor.TokensFormulaAt(PatchGrid) : "0";

        /// <summary>The feature space of a fusion source's tokens before projection.</summary>
        /// <param name="source">The source.</param>
        public FeatureSpace SourceSpace(FusionSource source) =>
            source == FusionSource.Compressed ? Compressor.OutputSpace : FeatureSpace.Vision;

        /// <summary>Width of a fusion source's tokens before projection.</summary>
        /// <param name="source">The source.</param>
        public int SourceWidth(FusionSource source) =>
            SourceSpace(source) == FeatureSpace.Vision ? Vision.Hidden : Resampler.Hidden;

        /// <summary>
        /// Tokens of a fusion source for <paramref name="frames"/> frames: <c>original</c> T·N, <c>compressed</c>
        /// the compressor output, <c>slow</c> T·⌈g/σ⌉² (<see cref="CompressorConfig.SlowSourceStride"/>).
        /// </summary>
        /// <param name="source">The source.</param>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public long SourceTokens(FusionSource source, int frames) => source switch
        {
            FusionSource.Original => (long)Math.Max(frames, 0) * EncoderTokensPerFrame,
            FusionSource.Compressed => CompressedTokens(frames),
            FusionSource.Slow => Compressor.SlowTokens(frames, PatchGrid),
            _ => 0,
        };

        /// <summary>The distinct fusion sources in use, in order of first use.</summary>
        public EquatableArray<FusionSource> Sources => Fusion.Select(f => f.Source).Distinct().ToEquatableArray();

        /// <summary>
        /// Whether a second projector named <c>source_projector</c> is needed: some fusion source lives in a
        /// different feature space than the compressor output (e.g. Q-Former tokens in the stream, original
        /// ViT tokens as T2V keys). Decided by feature space, not by the widths of one preset, so the module
        /// structure (and its parameter names) is the same at every preset.
        /// </summary>
        public bool NeedsSourceProjector => Fusion.Any(f => SourceSpace(f.Source) != Compressor.OutputSpace);

        /// <summary>Input width of <c>source_projector</c> when <see cref="NeedsSourceProjector"/>; null otherwise.</summary>
        public int? SourceProjectorInputWidth
        {
            get
            {
                foreach (var fusion in Fusion)
                {
                    if (SourceSpace(fusion.Source) != Compressor.OutputSpace)
                    {
                        return SourceWidth(fusion.Source);
                    }
                }

                return null;
            }
        }

        /// <summary>
        /// Whether the compressor's output is used: its tokens enter the stream, or a fusion entry reads the
        /// <c>compressed</c> or <c>slow</c> source. When not (<c>cross_attention_only</c> reading only the
        /// <c>original</c> tokens) the composed model skips the compressor and the cost model charges it nothing.
        /// </summary>
        public bool UsesCompressor => HasVisualTokensInStream || Fusion.Any(f => f.Source != FusionSource.Original);

        /// <summary>The explicit per-layer plan (which fusion entry, if any, sits on each decoder layer).</summary>
        public LayerPlan LayerPlan => LayerPlan.Create(Llm.Layers, Fusion);

        /// <summary>The fusion entry on decoder layer <paramref name="layer"/>, or null.</summary>
        /// <param name="layer">Zero-based layer index.</param>
        public FusionConfig? FusionAt(int layer)
        {
            foreach (var fusion in Fusion)
            {
                if (fusion.IsOn(layer))
                {
                    return fusion;
                }
            }

            return null;
        }

        /// <summary>
        /// Every shared rule this configuration breaks, as messages (empty when valid). The spec binder
        /// checks the same rules at build time and reports them at the YAML location; use this (or
        /// <see cref="EnsureValid"/>) for configs built or modified in code.
        /// </summary>
        public IReadOnlyList<string> Validate()
        {
            var problems = new List<string>();
            problems.AddRange(Vision.Validate());
            problems.AddRange(Resampler.Validate());
            problems.AddRange(Llm.Validate());
            problems.AddRange(Compressor.Validate(Vision));
            problems.AddRange(Projector.Validate());
            if (Layout == Layout.CrossAttentionOnly && Fusion.IsEmpty)
            {
                problems.Add("layout cross_attention_only needs at least one fusion entry: without one no visual information reaches the LLM");
            }

            var owner = new Dictionary<int, int>();
            for (int i = 0; i < Fusion.Count; i++)
            {
                var fusion = Fusion[i];
                problems.AddRange(fusion.Validate(Llm, i));
                foreach (int layer in fusion.Layers)
                {
                    if (owner.TryGetValue(layer, out int first))
                    {
                        problems.Add($"fusion[{i}] ({fusion.KindName}) and fusion[{first}] ({Fusion[first].KindName}) both sit on layer {layer}");
                    }
                    else
                    {
                        owner[layer] = i;
                    }
                }

                if (fusion.Source == FusionSource.Slow && (Compressor.SlowSourceStride < 1 || Compressor.SlowSourceStride > PatchGrid))
                {
                    problems.Add($"fusion[{i}].source 'slow': compressor.slow_stride ({Compressor.SlowSourceStride}) must be in [1, {PatchGrid}] (the patch grid side g)");
                }

                if (fusion is DualCrossAttentionConfig dual)
                {
                    if (dual.Branches.IsEmpty)
                    {
                        problems.Add($"fusion[{i}].branches must not be empty");
                    }

                    if (dual.HasV2V && !HasVisualTokensInStream)
                    {
                        problems.Add($"fusion[{i}] branch v2v needs visual tokens in the LLM stream, but layout is cross_attention_only");
                    }

                    if (dual.Scope == TokenScope.Frame && !Compressor.IsPerFrame)
                    {
                        problems.Add($"fusion[{i}].scope frame needs a per-frame compressor, but {Compressor.KindName} is not per-frame");
                    }
                }
            }

            return problems;
        }

        /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/> if <see cref="Validate"/> finds problems.</summary>
        /// <param name="paramName">The argument that carried this config.</param>
        /// <exception cref="ArgumentException">The config breaks a rule.</exception>
        public void EnsureValid(string paramName = "config") => ConfigRules.ThrowIfAny(Validate(), paramName);
    }
}
