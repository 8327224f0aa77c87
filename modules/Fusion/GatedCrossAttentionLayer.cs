using System;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Language;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>
/// Flamingo's GATED XATTN-DENSE block (Alayrac et al. 2022, arXiv:2204.14198, Fig. 4; lucidrains'
/// <c>GatedCrossAttentionBlock</c>), placed before the decoder layer that carries it:
/// <c>y += tanh(α₁)·xattn(LN(y), media)</c>, then <c>y += tanh(α₂)·FFN(LN(y))</c>, with α₁ = α₂ = 0 at
/// initialisation so the model starts as its frozen LM. Every stream position is a query (Flamingo's text
/// tokens; in layouts with visual tokens in the stream, those too). One media item per sample — the video —
/// so "attend to the immediately preceding media" is every position attending to all media tokens.
/// The cross-attention's keys/values may use fewer heads than its queries (grouped-query attention; the
/// zoo's default is the LLM's own kv_heads).
/// <para>Shapes: B batch, S positions, M media tokens (e.g. the resampler's latents), H width, h heads, g
/// key/value heads, d = H/h. (B, S, H) → (B, S, H). Keys (under the layer's <c>cross_attn</c>):
/// <c>attn_norm.{weight,bias}</c>, <c>attn.{q,k,v,o}_proj.weight</c> (no biases, as in flamingo-pytorch;
/// k/v: (g·d, H)), <c>attn_gate.alpha</c>,
/// <c>ff_norm.{weight,bias}</c>, <c>ff.fc1.*</c>, <c>ff.fc2.*</c> (exact GELU), <c>ff_gate.alpha</c>.
/// Cache slot: <see cref="CacheSlot.GatedCrossAttention"/>.</para>
/// </summary>
[BlockFor(typeof(GatedCrossAttentionConfig))]
public sealed class GatedCrossAttentionLayer : DecoderFusion, IHfKeyMapped, IFusionCost<GatedCrossAttentionConfig>
{
    private readonly LayerNorm attn_norm;
    private readonly CrossAttention attn;
    private readonly TanhGate attn_gate;
    private readonly LayerNorm ff_norm;
    private readonly GeluMlp ff;
    private readonly TanhGate ff_gate;

    /// <summary>Creates a freshly initialised block.</summary>
    /// <param name="hidden">LLM width H (queries, media and output), divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Cross-attention query heads h.</param>
    /// <param name="intermediate">Inner width of the dense FFN (the builder uses the entry's <c>mlp</c>, default llm.mlp).</param>
    /// <param name="source">The media read as keys/values (<c>compressed</c>: the resampler's latents).</param>
    /// <param name="gateInit">Initial α₁ and α₂ (0: the block starts as the identity).</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="kvHeads">Key/value heads g, dividing <paramref name="heads"/>; null = <paramref name="heads"/>
    /// (plain multi-head; the builder passes the entry's <c>kv_heads</c>, default llm.kv_heads).</param>
    /// <exception cref="ArgumentException">Sizes that do not divide.</exception>
    public GatedCrossAttentionLayer(
        long hidden,
        long heads,
        long intermediate,
        FusionSource source = FusionSource.Compressed,
        double gateInit = 0.0,
        double normEps = 1e-5,
        long? kvHeads = null) : base(nameof(GatedCrossAttentionLayer), source)
    {
        BlockChecks.Divisible(hidden, nameof(hidden), heads, nameof(heads));
        HiddenWidth = hidden;
        attn_norm = nn.LayerNorm(hidden, normEps);
        attn = new CrossAttention(hidden, heads, bias: false, kvHeads: kvHeads);
        attn_gate = new TanhGate(gateInit);
        ff_norm = nn.LayerNorm(hidden, normEps);
        ff = new GeluMlp(hidden, intermediate, approximate: "none");
        ff_gate = new TanhGate(gateInit);
        RegisterComponents();
    }

    /// <summary>New in the zoo's Flamingo-style architectures: no Hugging Face checkpoint has these keys.</summary>
    public HfKeyMap HfKeys { get; } = HfKeyMap.New("Flamingo gated cross-attention, arXiv:2204.14198");

    /// <summary>Creates the block from its bound config entry.</summary>
    /// <param name="config">The fusion entry (source, gate init, heads, kv_heads, FFN width).</param>
    /// <param name="llm">The LLM it sits in (width, norm epsilon).</param>
    /// <exception cref="ArgumentException">Heads that do not divide the LLM width, or kv_heads that do not divide heads.</exception>
    public GatedCrossAttentionLayer(GatedCrossAttentionConfig config, LanguageModelConfig llm)
        : this(
            (llm ?? throw new ArgumentNullException(nameof(llm))).Hidden,
            (config ?? throw new ArgumentNullException(nameof(config))).Heads,
            config.Mlp,
            config.Source,
            config.GateInit,
            llm.NormEps,
            config.KvHeads)
    {
    }

    /// <inheritdoc/>
    public override FusionPlacement Placement => FusionPlacement.BeforeLayer;

    /// <inheritdoc/>
    public override long Hidden => HiddenWidth;

    private long HiddenWidth { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor hidden, LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        var media = context.Fusion?.Source(Source);
        CheckInputs(hidden, media);
        var kv = attn.KeyValues(media?.Tokens, media?.KeyMask(), context.CacheSlot(CacheSlot.GatedCrossAttention));   // mask [B, 1, 1, M]
        if (kv is not { } keyValues)
        {
            return hidden.alias().MoveToOuterDisposeScope();
        }

        var (k, v, mask) = keyValues;
        var q = attn.ProjectQueries(attn_norm.call(hidden), null);              // [B, h, S, d]
        var y = hidden.add(attn_gate.call(attn.Output(attn.Attend(q, k, v, mask))));
        y = y.add(ff_gate.call(ff.call(ff_norm.call(y))));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// FLOPs, queries at all S = L_v + L_t positions: k/v to the entry's K/V width 4·M·H·kv_f unless cached, q and o
    /// 4·S·H², QKᵀ and AV 4·S·M·H, GELU FFN of width I_f 4·S·H·I_f. All × B.
    /// </summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work on the layer.</param>
    public static FlopBreakdown Flops(GatedCrossAttentionConfig config, LanguageModelConfig llm, FusionWork work)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(llm);
        long queries = checked(work.VisualQueries + work.TextQueries), rows = checked(work.Batch * queries);
        return LanguageBlockFlops.CrossAttention(llm.Hidden, config.KvWidth(llm.Hidden), work.Batch, queries, work.SourceTokens, work.SourceTokens, work.ProjectSource)
            + FlopBreakdown.Of(CostComponent.FusionFeedForward, OpKind.Linear, checked(VisualBlockFlops.Linear(rows, llm.Hidden, config.Mlp) * 2));
    }

    /// <summary>Parameters: two LayerNorms 4H, q/o 2H² and k/v 2·H·kv_f (no bias), two gates, GELU FFN 2·H·I_f + I_f + H.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts Parameters(GatedCrossAttentionConfig config, LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, kv = config.KvWidth(llm.Hidden);
            return ParameterCounts.Of(CostComponent.FusionNorms, 4 * h)
                + ParameterCounts.Of(CostComponent.FusionKeyValueProjections, 2 * h * kv)
                + ParameterCounts.Of(CostComponent.FusionAttention, 2 * h * h)
                + ParameterCounts.Of(CostComponent.FusionGates, 2)
                + ParameterCounts.Of(CostComponent.FusionFeedForward, BlockParameters.Linear(h, config.Mlp) + BlockParameters.Linear(config.Mlp, h));
        }
    }

    /// <summary>Cache: the media keys and values, 2·kv_f per source token.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens (the gated block caches either way).</param>
    public static long CachedValuesPerSourceToken(GatedCrossAttentionConfig config, LanguageModelConfig llm, bool hasText) => 2L * config.KvWidth(llm.Hidden);
}
