using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;

namespace CrossLMM.Zoo.Modules;

/// <summary>
/// The composed long-video LMM of the zoo — CrossLMM (arXiv:2505.17020) and every alternative built from the
/// same parts: encode → compress → project → place the visual tokens and the text per <see cref="Layout"/> →
/// Qwen2 decoder with its fusion plan → logits.
/// <list type="number">
/// <item><c>vision_tower</c>: frames (B, T, C, H, W) or precomputed features → (B, T, N, D).</item>
/// <item><c>compressor</c>: (B, T, N, D) (+ the embedded prompt and its padding for text-guided kinds) → tokens
/// (B, M, D_c) and, for temporal pooling, slow tokens (B, T·n, D). Skipped when nothing reads its output
/// (<c>cross_attention_only</c> with only the <c>original</c> source).</item>
/// <item><c>multi_modal_projector</c>: D_c → H for the stream tokens.</item>
/// <item>Fusion sources are brought to H once per pass and shared by every fusion layer: <c>compressed</c>
/// reuses the projected stream tokens; <c>original</c> (all T·N encoder tokens) and <c>slow</c> live in vision
/// space and go through <c>source_projector</c> when there is one (the compressor's output lives in another
/// space, e.g. Q-Former tokens in the stream), else through <c>multi_modal_projector</c>.</item>
/// <item>Stream: <c>video_first</c> [video; text], <c>question_first</c> [text; video] (see
/// <see cref="VideoLmmInput.VideoPosition"/>), <c>cross_attention_only</c> [text] (vision only through fusion).</item>
/// <item>Logits for every stream position, or for the last <see cref="VideoLmmInput.LogitsToKeep"/> only (HF's
/// <c>logits_to_keep</c>; <see cref="Generate"/>'s prefill keeps the last one).</item>
/// </list>
/// <para>Shapes: B batch, T frames, N encoder tokens per frame, D vision width, M compressed tokens, D_c their
/// width, H LLM width, L text tokens, S = M + L stream positions (L for cross_attention_only), V vocabulary.</para>
/// <para>Keys: <c>vision_tower.*</c>, <c>compressor.*</c>, <c>multi_modal_projector.*</c>,
/// <c>source_projector.*</c> (when present), <c>language_model.model.*</c>, <c>language_model.lm_head.*</c>
/// (untied heads).</para>
/// <para>Cached decoding: <see cref="VideoLmmInput"/> with a <see cref="KvCache"/> is the prefill; every fusion
/// block whose queries include text (T2V, gated cross-attention, hybrid) stores its source keys/values there
/// (V2V needs none: decoding adds text positions only), so <see cref="Decode"/> steps need neither the video
/// nor the sources and equal the full forward over the longer text.</para>
/// </summary>
/// <remarks>Not sealed: each zoo architecture's generated class (<c>CrossLMM.Zoo.CrossLmm</c>, ...) derives from it
/// and exposes the parts under their concrete block types.</remarks>
public class VideoLmm : nn.Module<VideoLmmInput, KvCache?, VideoLmmOutput>
{
    // 'private protected', not 'private': TorchSharp's RegisterComponents reflects over GetType().GetFields(),
    // which never returns a base class's private fields, so a derived model would register no parts.
    private protected readonly nn.Module<Tensor, Tensor> vision_tower;
    private protected readonly VisualCompressor compressor;
    private protected readonly nn.Module<Tensor, Tensor> multi_modal_projector;
    private protected readonly nn.Module<Tensor, Tensor>? source_projector;
    private protected readonly Qwen2ForCausalLM language_model;
    private readonly FusionSource[] _sources;

    /// <summary>Assembles the model from its parts (torchtune style; <see cref="VideoLmmBuilder"/> builds them from a config).</summary>
    /// <param name="visionTower">Frames or precomputed features → (B, T, N, D) (key <c>vision_tower</c>; a precomputed pass-through has no keys).</param>
    /// <param name="compressor">(B, T, N, D) → stream tokens (B, M, D_c) (key <c>compressor</c>).</param>
    /// <param name="multiModalProjector">D_c → H (key <c>multi_modal_projector</c>).</param>
    /// <param name="sourceProjector">D → H for the vision-space fusion sources (original, slow) when the
    /// compressor's output is in another space (key <c>source_projector</c>); null = they use
    /// <paramref name="multiModalProjector"/>.</param>
    /// <param name="languageModel">The Qwen2 LM whose layers carry the fusion plan (key <c>language_model</c>).</param>
    /// <param name="layout">Where the video sits in the stream.</param>
    /// <exception cref="ArgumentException">Parts whose widths do not chain.</exception>
    public VideoLmm(
        nn.Module<Tensor, Tensor> visionTower,
        VisualCompressor compressor,
        nn.Module<Tensor, Tensor> multiModalProjector,
        nn.Module<Tensor, Tensor>? sourceProjector,
        Qwen2ForCausalLM languageModel,
        Layout layout) : base(nameof(VideoLmm))
    {
        ArgumentNullException.ThrowIfNull(visionTower);
        ArgumentNullException.ThrowIfNull(compressor);
        ArgumentNullException.ThrowIfNull(multiModalProjector);
        ArgumentNullException.ThrowIfNull(languageModel);
        _sources = SourcesOf(languageModel);
        CheckWidths(compressor, multiModalProjector, sourceProjector, languageModel, _sources);
        Layout = layout;
        vision_tower = visionTower;
        this.compressor = compressor;
        multi_modal_projector = multiModalProjector;
        source_projector = sourceProjector;
        language_model = languageModel;
        RegisterComponents();
    }

    /// <summary>Where the video sits in the stream.</summary>
    public Layout Layout { get; }

    /// <summary>The fusion sources the decoder's layers read, in order of first use.</summary>
    public IReadOnlyList<FusionSource> Sources => _sources;

    /// <summary>The language model.</summary>
    public Qwen2ForCausalLM LanguageModel => language_model;

    /// <summary>The compressor.</summary>
    public VisualCompressor Compressor => compressor;

    /// <summary>Whether visual tokens enter the stream.</summary>
    public bool HasVisualTokensInStream => Layout != Layout.CrossAttentionOnly;

    /// <summary>
    /// Whether a pass runs the compressor: its tokens enter the stream, or a fusion layer reads the
    /// <c>compressed</c> or <c>slow</c> source (<see cref="ArchitectureConfig.UsesCompressor"/>).
    /// </summary>
    public bool UsesCompressor => HasVisualTokensInStream || _sources.Any(s => s != FusionSource.Original);

    /// <summary>One pass over video and text: a full forward, or the prefill of cached decoding.</summary>
    /// <param name="input">Video, text ids, text padding, the video's place and how many logits to keep.</param>
    /// <param name="cache">Decoding state to fill (prefill), or null.</param>
    /// <returns>Logits (B, S, V) over the stream — (B, k, V) for the last k = <see cref="VideoLmmInput.LogitsToKeep"/>
    /// positions when k &gt; 0 — and the pass's token counts; the caller owns the logits.</returns>
    public override VideoLmmOutput forward(VideoLmmInput input, KvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(input);
        BlockChecks.Rank(input.InputIds, 2, "input.InputIds", "(B, L) token ids");
        using var scope = torch.NewDisposeScope();
        long b = input.InputIds.shape[0], l = input.InputIds.shape[1];
        var features = vision_tower.call(input.Video);   // [B, T, N, D]
        BlockChecks.Rank(features, 4, "vision_tower output", "(B, T, N, D)");
        if (features.shape[0] != b)
        {
            throw new ArgumentException(
                $"input.Video {BlockChecks.Format(input.Video.shape)} has batch {features.shape[0]} but input.InputIds {BlockChecks.Format(input.InputIds.shape)} has batch {b}", nameof(input));
        }

        if (input.Padding is not null && (input.Padding.shape.Length != 2 || input.Padding.shape[0] != b || input.Padding.shape[1] != l))
        {
            throw new ArgumentException($"input.Padding has shape {BlockChecks.Format(input.Padding.shape)}; expected (B, L) = ({b}, {l})", nameof(input));
        }

        if (input.LogitsToKeep < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum("input.LogitsToKeep", input.LogitsToKeep, 0), nameof(input));
        }

        int frames = (int)features.shape[1];
        var text = language_model.Model.Embed(input.InputIds);   // [B, L, H]
        var compressed = UsesCompressor ? compressor.call(features, text, input.Padding) : null;   // its tensors live in this scope

        bool needsStreamTokens = HasVisualTokensInStream || _sources.Contains(FusionSource.Compressed);
        var visual = needsStreamTokens ? multi_modal_projector.call(compressed!.Tokens) : null;   // [B, M, H]
        var sources = new Dictionary<FusionSource, FusionSourceTokens>();
        var sourceCounts = new Dictionary<FusionSource, long>();
        foreach (var source in _sources)
        {
            var tokens = source switch
            {
                FusionSource.Compressed => visual!,
                FusionSource.Original => VisionSpace(features.flatten(1, 2)),    // [B, T·N, H]
                FusionSource.Slow => VisionSpace(compressor.SlowTokens(features, compressed)),   // [B, T·n, H]
                _ => throw new InvalidOperationException($"unknown fusion source {source}"),
            };
            sources[source] = new FusionSourceTokens(tokens);
            sourceCounts[source] = tokens.shape[1];
        }

        long videoAt = HasVisualTokensInStream ? VideoPosition(input, l) : 0;
        long visualLength = HasVisualTokensInStream ? visual!.shape[1] : 0;
        var stream = HasVisualTokensInStream ? Insert(text, visual!, videoAt) : text;   // [B, S, H]
        Tensor? padding = null;
        if (input.Padding is not null)
        {
            var textValid = input.Padding.to(ScalarType.Bool);
            padding = HasVisualTokensInStream
                ? Insert(textValid, torch.ones(new[] { b, visualLength }, ScalarType.Bool, textValid.device), videoAt)
                : textValid;
        }

        var fusion = new FusionInputs(sources, videoAt, visualLength, frames);
        var logits = language_model.ForwardEmbeddings(stream, new DecoderInputs(padding, cache, fusion, input.LogitsToKeep));
        var counts = new VideoTokenCounts(visualLength, l, stream.shape[1], sourceCounts);
        return new VideoLmmOutput(logits.MoveToOuterDisposeScope(), counts);
    }

    /// <summary>One cached decoding step: new text tokens after a prefill (fusion reads the cached source keys/values).</summary>
    /// <param name="inputIds">(B, S_new) token ids, usually S_new = 1.</param>
    /// <param name="cache">The cache filled by the prefill.</param>
    /// <returns>Logits (B, S_new, V); the caller owns them.</returns>
    /// <exception cref="ArgumentException">Ids that are not (B, S_new) int64 within the vocabulary, or another batch than the prefill's.</exception>
    public Tensor Decode(Tensor inputIds, KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Length == 0)
        {
            throw new InvalidOperationException("Decode needs a cache filled by a prefill pass (call the model with the video first)");
        }

        ArgumentNullException.ThrowIfNull(inputIds);
        BlockChecks.Rank(inputIds, 2, nameof(inputIds), "(B, S_new) token ids");
        cache.CheckBatch(inputIds.shape[0], $"inputIds {BlockChecks.Format(inputIds.shape)}");
        using var scope = torch.NewDisposeScope();
        var embeds = language_model.Model.Embed(inputIds);
        return language_model.ForwardEmbeddings(embeds, new DecoderInputs(null, cache, null)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Greedy answer to a video and a prompt, over the KV cache (sources' keys/values computed once). The prefill
    /// computes the logits of the last position only (<see cref="VideoLmmInput.LogitsToKeep"/> = 1), the one the
    /// next token is read from.
    /// </summary>
    /// <param name="input">Video and prompt (its <see cref="VideoLmmInput.LogitsToKeep"/> is ignored).</param>
    /// <param name="maxNewTokens">Tokens to generate, ≥ 1.</param>
    /// <param name="eosTokenId">Stop once every sequence has produced it.</param>
    /// <returns>The new tokens (B, n) int64; the caller owns them.</returns>
    public Tensor Generate(VideoLmmInput input, int maxNewTokens, long? eosTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return GreedyDecoding.Run(
            cache =>
            {
                using var output = call(input with { LogitsToKeep = 1 }, cache);
                return output.Logits.alias();
            },
            (next, cache) => Decode(next, cache),
            maxNewTokens,
            eosTokenId);
    }

    private Tensor VisionSpace(Tensor tokens) => (source_projector ?? multi_modal_projector).call(tokens);

    private long VideoPosition(VideoLmmInput input, long textLength)
    {
        long p = input.VideoPosition ?? (Layout == Layout.QuestionFirst ? textLength : 0);
        if (p < 0 || p > textLength)
        {
            throw new ArgumentException($"input.VideoPosition ({p}) must be in [0, {textLength}] (the text length)", nameof(input));
        }

        return p;
    }

    /// <summary>[text[:, :p]; block; text[:, p:]] along the sequence.</summary>
    private static Tensor Insert(Tensor text, Tensor block, long p)
    {
        long l = text.shape[1];
        var parts = new List<Tensor>(3);
        if (p > 0)
        {
            parts.Add(text.narrow(1, 0, p));
        }

        parts.Add(block);
        if (p < l)
        {
            parts.Add(text.narrow(1, p, l - p));
        }

        return parts.Count == 1 ? block.alias() : torch.cat(parts, 1);
    }

    private static FusionSource[] SourcesOf(Qwen2ForCausalLM languageModel)
    {
        var sources = new List<FusionSource>();
        foreach (var layer in languageModel.Model.Layers)
        {
            FusionSource? source = layer switch
            {
                Qwen2DecoderLayer { Fusion: { } fusion } => fusion.Source,
                HybridDecoderLayer hybrid => hybrid.CrossAttention.Source,
                _ => null,
            };
            if (source is FusionSource s && !sources.Contains(s))
            {
                sources.Add(s);
            }
        }

        return sources.ToArray();
    }

    private static void CheckWidths(
        VisualCompressor compressor,
        nn.Module<Tensor, Tensor> projector,
        nn.Module<Tensor, Tensor>? sourceProjector,
        Qwen2ForCausalLM languageModel,
        IReadOnlyList<FusionSource> sources)
    {
        long hidden = languageModel.Model.Hidden;
        if (projector is VisualProjector p)
        {
            if (p.InputWidth != compressor.OutputWidth)
            {
                throw new ArgumentException(
                    $"multiModalProjector takes width {p.InputWidth}, but the compressor emits width {compressor.OutputWidth}", nameof(projector));
            }

            if (p.OutputWidth != hidden)
            {
                throw new ArgumentException($"multiModalProjector emits width {p.OutputWidth}, but the language model has width {hidden}", nameof(projector));
            }
        }

        bool visionSpaceSources = sources.Contains(FusionSource.Original) || sources.Contains(FusionSource.Slow);
        var visionProjector = sourceProjector ?? projector;
        if (visionSpaceSources && visionProjector is VisualProjector v && v.InputWidth != compressor.InputWidth)
        {
            throw new ArgumentException(
                sourceProjector is null
                    ? $"the fusion layers read encoder tokens of width {compressor.InputWidth}, but without a sourceProjector they go through multiModalProjector, which takes width {v.InputWidth}"
                    : $"sourceProjector takes width {v.InputWidth}, but the encoder tokens it projects have width {compressor.InputWidth}",
                nameof(sourceProjector));
        }

        if (sourceProjector is VisualProjector s && s.OutputWidth != hidden)
        {
            throw new ArgumentException($"sourceProjector emits width {s.OutputWidth}, but the language model has width {hidden}", nameof(sourceProjector));
        }
    }
}
