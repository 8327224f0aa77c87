using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// The analytic cost model of the zoo: tokens, FLOPs per component and op kind, KV-cache and weight bytes,
/// and parameter counts of a bound architecture, composed block by block in the order the composed video
/// LMM runs them: vision encoder → compressor → projector (and source projector) → decoder layers with their
/// fusion blocks → LM head. FLOPs are 2 per multiply-add of the matrix products (linear, matmul, conv)
/// exactly as the engine's FLOP hook counts them; softmax, norms, activations, bias adds, element-wise ops,
/// pooling, RoPE and embedding lookups are not counted. The tests hold the model to the hook's count of a
/// real forward of every architecture, component by component (docs/cost-model.md).
/// </summary>
public static class CostModel
{
    /// <summary>The full estimate for <paramref name="frames"/> frames and <paramref name="textTokens"/> text tokens.</summary>
    /// <param name="config">A bound architecture (any preset).</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t ≥ 0 (the question; LLaMA-VID's Q-Former reads it as its prompt).</param>
    /// <param name="options">Batch, LM head positions, generated tokens, dtypes (default <see cref="CostOptions.Default"/>).</param>
    /// <exception cref="ArgumentException">An invalid config or option, or T/L_t out of range.</exception>
    public static CostReport Estimate(ArchitectureConfig config, int frames, int textTokens, CostOptions? options = null)
    {
        options ??= CostOptions.Default;
        Validate(config, frames, textTokens, options);
        var parameters = Parameters(config);
        return new CostReport(
            config.Name,
            config.Stem,
            config.Preset,
            frames,
            textTokens,
            options,
            Tokens(config, frames, textTokens),
            Prefill(config, frames, textTokens, options),
            Decode(config, frames, textTokens, options),
            Memory(config, frames, textTokens, options, parameters),
            parameters);
    }

    /// <summary>Token counts per sample.</summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t ≥ 0.</param>
    public static TokenCounts Tokens(ArchitectureConfig config, int frames, int textTokens)
    {
        Validate(config, frames, textTokens, CostOptions.Default);
        var sources = config.Sources.ToDictionary(s => s, s => config.SourceTokens(s, frames));
        return new TokenCounts(
            checked((long)frames * config.EncoderTokensPerFrame),
            config.CompressedTokens(frames),
            config.StreamTokens(frames),
            textTokens,
            sources);
    }

    /// <summary>
    /// FLOPs of the prefill: one forward over the whole stream without a cache (vision, compressor,
    /// projectors, every decoder layer and fusion block, the LM head on the positions
    /// <see cref="CostOptions.LmHead"/> says).
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t ≥ 0.</param>
    /// <param name="options">Options (batch, LM head positions).</param>
    public static FlopBreakdown Prefill(ArchitectureConfig config, int frames, int textTokens, CostOptions? options = null)
    {
        options ??= CostOptions.Default;
        Validate(config, frames, textTokens, options);
        return VisualStage(config, options.Batch, frames, textTokens) + LanguageStage(config, frames, textTokens, options);
    }

    /// <summary>
    /// FLOPs of the language stage of the prefill: every decoder layer over the S = L_v + L_t stream
    /// positions, the fusion block on its layers (keys/values projected from the M source tokens), and the LM
    /// head on the positions <see cref="CostOptions.LmHead"/> says.
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1 (sizes L_v and the sources).</param>
    /// <param name="textTokens">L_t ≥ 0.</param>
    /// <param name="options">Options (batch, LM head positions).</param>
    public static FlopBreakdown LanguageStage(ArchitectureConfig config, int frames, int textTokens, CostOptions? options = null)
    {
        options ??= CostOptions.Default;
        Validate(config, frames, textTokens, options);
        int b = options.Batch;
        long visual = config.StreamTokens(frames), stream = checked(visual + textTokens);
        var total = FlopBreakdown.Zero;
        for (int layer = 0; layer < config.Llm.Layers; layer++)
        {
            total += LanguageBlockFlops.DecoderLayer(config.Llm, b, stream, stream);
            if (config.FusionAt(layer) is { } fusion)
            {
                total += FusionFlops(config, fusion, b, frames, visual, textTokens, projectSource: true);
            }
        }

        long logits = options.LmHead == LmHeadPositions.All ? stream : 1;
        return total + LanguageBlockFlops.LmHead(config.Llm, b, logits);
    }

    /// <summary>
    /// FLOPs of the visual stage alone: vision encoder on B·T frames, compressor (unless nothing reads its output,
    /// <see cref="ArchitectureConfig.UsesCompressor"/>), the projector on the
    /// compressor output (when it enters the stream or is a fusion source), and each other fusion source
    /// projected once (original and slow tokens are vision-space: by the projector when the compressor's
    /// output is vision-space too, else by <c>source_projector</c>; the <c>compressed</c> source reuses the
    /// projected compressor output).
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t (LLaMA-VID's prompt).</param>
    public static FlopBreakdown VisualStage(ArchitectureConfig config, int batch, int frames, int textTokens)
    {
        Validate(config, frames, textTokens, new CostOptions(Batch: batch));
        long b = batch;
        var total = VisualBlockFlops.Vision(config.Vision, checked(b * frames));
        if (config.UsesCompressor)
        {
            total += VisualBlockFlops.Compressor(config.Compressor, config.Vision, config.Resampler, config.Llm.Hidden, batch, frames, textTokens);
        }

        if (config.HasVisualTokensInStream || config.Sources.Contains(FusionSource.Compressed))
        {
            total += VisualBlockFlops.Projector(config.Projector, config.ProjectorInputWidth, config.Llm.Hidden, checked(b * config.CompressedTokens(frames)));
        }

        foreach (var source in config.Sources)
        {
            if (source == FusionSource.Compressed)
            {
                continue;
            }

            bool own = config.SourceSpace(source) == config.Compressor.OutputSpace;
            total += VisualBlockFlops.Projector(
                config.Projector,
                config.SourceWidth(source),
                config.Llm.Hidden,
                checked(b * config.SourceTokens(source, frames)),
                own ? CostComponent.Projector : CostComponent.SourceProjector);
        }

        return total;
    }

    /// <summary>
    /// FLOPs of one cached decode step: one new (text) position after <paramref name="step"/> earlier steps,
    /// i.e. with P = S + step cached positions. Per layer q/k/v/o, QKᵀ and AV over P + 1 keys, MLP; fusion
    /// blocks read their keys/values from the cache (V2V has no query: the new position is text); the LM head
    /// runs on the one position.
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1 (sizes the fusion sources).</param>
    /// <param name="textTokens">L_t of the prefill.</param>
    /// <param name="step">Earlier decode steps k ≥ 0.</param>
    /// <param name="options">Options (batch).</param>
    public static FlopBreakdown DecodeStep(ArchitectureConfig config, int frames, int textTokens, int step, CostOptions? options = null)
    {
        options ??= CostOptions.Default;
        Validate(config, frames, textTokens, options);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, ConfigRules.BelowMinimum(nameof(step), step, 0));
        }

        int b = options.Batch;
        long past = checked(config.StreamTokens(frames) + textTokens + step);
        var total = FlopBreakdown.Zero;
        for (int layer = 0; layer < config.Llm.Layers; layer++)
        {
            total += LanguageBlockFlops.DecoderLayer(config.Llm, b, 1, checked(past + 1));
            if (config.FusionAt(layer) is { } fusion)
            {
                total += FusionFlops(config, fusion, b, frames, 0, 1, projectSource: false);
            }
        }

        return total + LanguageBlockFlops.LmHead(config.Llm, b, 1);
    }

    /// <summary>
    /// FLOPs of all <see cref="CostOptions.DecodeSteps"/> decode steps together. A step's cost is affine in
    /// its index (only the attention scores grow, by 4·B·H per layer per step), so the sum is exact in closed
    /// form: n·cost(0) + n(n − 1)/2·(cost(1) − cost(0)).
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t of the prefill.</param>
    /// <param name="options">Options (batch, generated tokens).</param>
    public static FlopBreakdown Decode(ArchitectureConfig config, int frames, int textTokens, CostOptions? options = null)
    {
        options ??= CostOptions.Default;
        long n = options.DecodeSteps;
        if (n == 0)
        {
            Validate(config, frames, textTokens, options);
            return FlopBreakdown.Zero;
        }

        var first = DecodeStep(config, frames, textTokens, 0, options);
        var second = DecodeStep(config, frames, textTokens, 1, options);
        var growth = Difference(second, first);
        return first.Times(n) + growth.Times(checked(n * (n - 1) / 2));
    }

    /// <summary>Parameter counts per component (each equals the real modules' <c>parameters().Sum(numel)</c>).</summary>
    /// <param name="config">A bound architecture.</param>
    public static ParameterCounts Parameters(ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var total = BlockParameters.Vision(config.Vision)
            + BlockParameters.Compressor(config.Compressor, config.Vision, config.Resampler, config.Llm.Hidden)
            + BlockParameters.Projector(config.Projector, config.ProjectorInputWidth, config.Llm.Hidden)
            + BlockParameters.LanguageModelShell(config.Llm)
            + BlockParameters.DecoderLayer(config.Llm).Times(config.Llm.Layers);
        if (config.SourceProjectorInputWidth is int width)
        {
            total += BlockParameters.Projector(config.Projector, width, config.Llm.Hidden, CostComponent.SourceProjector);
        }

        foreach (var fusion in config.Fusion)
        {
            total += BlockCosts.Parameters(fusion, config.Llm).Times(fusion.Layers.Count);
        }

        return total;
    }

    /// <summary>
    /// KV-cache and weight bytes. Self-attention: 2 (K and V) · kv_heads·head_dim per layer per position.
    /// Fusion, cached once by the prefill at each entry's K/V width kv_f = kv_heads·head_dim: DCAL 2·kv_f·M for
    /// T2V when the prefill has text (V2V caches nothing: decode steps have no visual queries), gated xattn
    /// 2·kv_f·M, hybrid 2·kv·M. All × B × the element size.
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t ≥ 0.</param>
    /// <param name="options">Options (batch, generated tokens, dtypes).</param>
    public static MemoryCost Memory(ArchitectureConfig config, int frames, int textTokens, CostOptions? options = null) =>
        Memory(config, frames, textTokens, options ?? CostOptions.Default, Parameters(config));

    private static MemoryCost Memory(ArchitectureConfig config, int frames, int textTokens, CostOptions options, ParameterCounts parameters)
    {
        Validate(config, frames, textTokens, options);
        checked
        {
            long b = options.Batch, bytes = options.KvDtype.Bytes(), kv = config.Llm.KvWidth;
            long visual = config.StreamTokens(frames), stream = visual + textTokens;
            long perPosition = 2 * config.Llm.Layers * kv * b * bytes;
            long fusion = 0;
            foreach (var entry in config.Fusion)
            {
                long m = config.SourceTokens(entry.Source, frames);
                long perLayer = BlockCosts.CachedValuesPerSourceToken(entry, config.Llm, textTokens > 0) * m;
                fusion += entry.Layers.Count * perLayer * b * bytes;
            }

            long finalPositions = stream + options.DecodeSteps;
            return new MemoryCost(
                options.KvDtype,
                perPosition,
                perPosition * stream,
                fusion,
                perPosition * finalPositions,
                options.WeightDtype,
                parameters.Total * options.WeightDtype.Bytes());
        }
    }

    // One fusion block's work on its layer.
    private static FlopBreakdown FusionFlops(
        ArchitectureConfig config, FusionConfig fusion, int batch, int frames, long visualQueries, long textQueries, bool projectSource)
    {
        long m = config.SourceTokens(fusion.Source, frames);
        return BlockCosts.Flops(fusion, config.Llm, new FusionWork(batch, visualQueries, textQueries, m, frames, projectSource));
    }

    private static FlopBreakdown Difference(FlopBreakdown later, FlopBreakdown earlier)
    {
        var parts = new List<FlopBreakdown>();
        foreach (var component in CostComponents.All)
        {
            foreach (var kind in CostComponents.Kinds)
            {
                long delta = later.Get(component, kind) - earlier.Get(component, kind);
                if (delta != 0)
                {
                    parts.Add(FlopBreakdown.Of(component, kind, delta));
                }
            }
        }

        return FlopBreakdown.Sum(parts);
    }

    private static void Validate(ArchitectureConfig config, int frames, int textTokens, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.EnsureValid(nameof(config));
        options.EnsureValid(nameof(options));
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, ConfigRules.BelowMinimum(nameof(frames), frames, 1));
        }

        if (textTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(textTokens), textTokens, ConfigRules.BelowMinimum(nameof(textTokens), textTokens, 0));
        }

        if (config.StreamTokens(frames) + textTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(textTokens), textTokens,
                $"textTokens ({textTokens}) must be ≥ 1 with layout {YamlNames.Of(config.Layout)}: the LLM stream would be empty");
        }

        if (config.Compressor.FramesProblem(frames) is string problem)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, problem);
        }
    }
}
