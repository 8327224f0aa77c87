using System;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Fusion;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// The Slow-Fast hybrid decoder layer (arXiv:2504.01328): an unchanged Qwen2 decoder layer whose attention
/// output, before <c>o_proj</c>, also receives — at the text positions only — a gated cross-attention of the
/// layer's own RoPE-rotated queries over the slow tokens (normalised by the same <c>input_layernorm</c>,
/// keys without RoPE): <c>a_text ← a_text + tanh(Linear(a_text))·tanh(β)·CrossAttn(q_text, slow)</c>.
/// With β = 0 it equals the base layer exactly, for any visual input.
/// <para>Shapes: (B, S, H) → (B, S, H). Keys: HF's Qwen2 layer keys unchanged, plus
/// <c>cross_attn.k_proj</c>, <c>cross_attn.v_proj</c>, <c>cross_attn.gate.proj</c>, <c>cross_attn.gate.beta</c>
/// (see <see cref="HybridCrossAttention"/> for the K/V initialisation). Cache slots: <see cref="CacheSlot.SelfAttention"/>,
/// <see cref="CacheSlot.CrossAttention"/>.</para>
/// </summary>
[BlockFor(typeof(HybridFusionConfig))]
public sealed class HybridDecoderLayer : DecoderLayer, IHfKeyMapped, IFusionCost<HybridFusionConfig>
{
    private readonly RMSNorm input_layernorm;
    private readonly GroupedQueryAttention self_attn;
    private readonly HybridCrossAttention cross_attn;

    /// <summary>
    /// Hugging Face keys: a Qwen2 decoder layer's (<c>self_attn.*</c>, <c>mlp.*</c>, the norms keep their names); the
    /// hybrid cross-attention inside is new (<see cref="HybridCrossAttention.HfKeys"/>).
    /// </summary>
    public HfKeyMap HfKeys { get; } = new("Qwen2DecoderLayer");
    private readonly RMSNorm post_attention_layernorm;
    private readonly SwiGluMlp mlp;

    /// <summary>
    /// Assembles the layer from its parts and initialises the cross key/value projections as copies of the
    /// self-attention's (<see cref="HybridCrossAttention.CopyFrom"/>).
    /// </summary>
    /// <param name="inputLayerNorm">RMSNorm before attention, also applied to the slow tokens.</param>
    /// <param name="selfAttention">Causal GQA self-attention with RoPE; its queries are reused.</param>
    /// <param name="crossAttention">The new cross key/value projections and gate.</param>
    /// <param name="postAttentionLayerNorm">RMSNorm before the MLP.</param>
    /// <param name="mlp">SwiGLU feed-forward.</param>
    /// <exception cref="ArgumentException">Parts of different widths or head layouts.</exception>
    public HybridDecoderLayer(
        RMSNorm inputLayerNorm,
        GroupedQueryAttention selfAttention,
        HybridCrossAttention crossAttention,
        RMSNorm postAttentionLayerNorm,
        SwiGluMlp mlp) : base(nameof(HybridDecoderLayer))
    {
        ArgumentNullException.ThrowIfNull(inputLayerNorm);
        ArgumentNullException.ThrowIfNull(selfAttention);
        ArgumentNullException.ThrowIfNull(crossAttention);
        ArgumentNullException.ThrowIfNull(postAttentionLayerNorm);
        ArgumentNullException.ThrowIfNull(mlp);
        long h = selfAttention.Hidden;
        Qwen2DecoderLayer.SameWidth(h, inputLayerNorm.Hidden, nameof(inputLayerNorm));
        Qwen2DecoderLayer.SameWidth(h, postAttentionLayerNorm.Hidden, nameof(postAttentionLayerNorm));
        Qwen2DecoderLayer.SameWidth(h, mlp.Hidden, nameof(mlp));
        if (crossAttention.Heads != selfAttention.Heads)
        {
            throw new ArgumentException(
                $"crossAttention has {crossAttention.Heads} heads, but the self-attention whose queries it reuses has {selfAttention.Heads}",
                nameof(crossAttention));
        }

        crossAttention.CopyFrom(selfAttention);
        input_layernorm = inputLayerNorm;
        self_attn = selfAttention;
        cross_attn = crossAttention;
        post_attention_layernorm = postAttentionLayerNorm;
        this.mlp = mlp;
        RegisterComponents();
    }

    /// <summary>Builds a freshly initialised hybrid layer from the LLM config.</summary>
    /// <param name="config">LLM sizes.</param>
    /// <param name="source">The visual source (<c>slow</c> with temporal pooling).</param>
    /// <param name="betaInit">Initial β (0: the layer equals its base).</param>
    /// <exception cref="ArgumentException">An invalid config.</exception>
    public HybridDecoderLayer(LanguageModelConfig config, FusionSource source = FusionSource.Original, double betaInit = 0.0)
        : this(
            new RMSNorm(Qwen2DecoderLayer.Valid(config).Hidden, config.NormEps),
            new GroupedQueryAttention(config.Hidden, config.Heads, config.KvHeads),
            new HybridCrossAttention(config.Hidden, config.Heads, config.KvHeads, source, betaInit),
            new RMSNorm(config.Hidden, config.NormEps),
            new SwiGluMlp(config.Hidden, config.Mlp))
    {
    }

    /// <summary>Builds a freshly initialised hybrid layer from its bound config entry.</summary>
    /// <param name="config">The fusion entry (source, β init, heads, kv_heads).</param>
    /// <param name="llm">LLM sizes.</param>
    /// <exception cref="ArgumentException">Entry heads or kv_heads that differ from llm.heads / llm.kv_heads (the layer's
    /// own queries are reused and its K/V projections are copied).</exception>
    public HybridDecoderLayer(HybridFusionConfig config, LanguageModelConfig llm)
        : this(Qwen2DecoderLayer.Valid(llm), SameHeads(config, llm).Source, config.GateInit)
    {
    }

    /// <inheritdoc/>
    public override long Hidden => self_attn.Hidden;

    /// <summary>The added cross-attention (k/v projections and gate).</summary>
    public HybridCrossAttention CrossAttention => cross_attn;

    /// <summary>Re-initialises the cross key/value projections from the self-attention (after loading a base checkpoint).</summary>
    public void InitializeCrossAttentionFromSelfAttention() => cross_attn.CopyFrom(self_attn);

    private static HybridFusionConfig SameHeads(HybridFusionConfig config, LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(llm);
        if (config.Heads != llm.Heads)
        {
            throw new ArgumentException(ConfigRules.HybridHeadsDiffer("hybrid heads", config.Heads, "llm.heads", llm.Heads), nameof(config));
        }

        if (config.KvHeads != llm.KvHeads)
        {
            throw new ArgumentException(ConfigRules.HybridHeadsDiffer("hybrid kv_heads", config.KvHeads, "llm.kv_heads", llm.KvHeads), nameof(config));
        }

        return config;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor hidden, LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        BlockChecks.Rank(hidden, 3, nameof(hidden), "(B, S, H)");
        if (context.Fusion?.Source(cross_attn.Source) is { } given && (given.Tokens.shape.Length != 3 || given.Tokens.shape[0] != hidden.shape[0]))
        {
            // before the self-attention appends to the cache: a rejected pass leaves the cache as it was
            throw new ArgumentException(
                $"the {YamlNames.Of(cross_attn.Source)} source tokens {BlockChecks.Format(given.Tokens.shape)} must be (B, M, H) with the batch of hidden {BlockChecks.Format(hidden.shape)}",
                nameof(context));
        }

        using var scope = torch.NewDisposeScope();
        var x = input_layernorm.call(hidden);
        var q = self_attn.ProjectQueries(x, context.Rotary);                                    // [B, h, S, d]
        var (k, v) = self_attn.ProjectKeyValues(x, context.Rotary, context.CacheSlot(CacheSlot.SelfAttention));
        var attended = self_attn.Attend(q, k, v, context.Mask);                                 // [B, S, h·d]

        var slot = context.CacheSlot(CacheSlot.CrossAttention);
        var source = context.Fusion?.Source(cross_attn.Source);
        var normalised = slot is { HasValues: true } || source is null ? null : input_layernorm.call(source.Tokens);
        attended = cross_attn.call(attended, q, normalised, context);

        var h = hidden.add(self_attn.Output(attended));
        h = h.add(mlp.call(post_attention_layernorm.call(h)));
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// FLOPs the hybrid cross-attention adds to its decoder layer: k/v of the (normalised) source to the KV width 4·M·H·kv
    /// unless cached (projected even when no text query reads it), and for the L_t text queries (which reuse the layer's
    /// own queries) the gate Linear(H, 1) 2·L_t·H and QKᵀ and AV 4·L_t·M·H. All × B.
    /// </summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work on the layer.</param>
    public static FlopBreakdown Flops(HybridFusionConfig config, LanguageModelConfig llm, FusionWork work)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, b = work.Batch, m = work.SourceTokens, text = work.TextQueries;
            var total = work.ProjectSource
                ? FlopBreakdown.Of(CostComponent.FusionKeyValueProjections, OpKind.Linear, VisualBlockFlops.Linear(b * m, h, llm.KvWidth) * 2)
                : FlopBreakdown.Zero;
            if (text > 0)
            {
                total += FlopBreakdown.Of(CostComponent.FusionGates, OpKind.Linear, VisualBlockFlops.Linear(b * text, h, 1))
                    + FlopBreakdown.Of(CostComponent.FusionAttention, OpKind.Matmul, b * VisualBlockFlops.Attention(text, m, h));
            }

            return total;
        }
    }

    /// <summary>Parameters the hybrid layer adds to a decoder layer: k/v to the LLM's KV width 2(H·kv + kv), gate Linear(H, 1) + β = H + 2.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts Parameters(HybridFusionConfig config, LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return ParameterCounts.Of(CostComponent.FusionKeyValueProjections, 2 * BlockParameters.Linear(llm.Hidden, llm.KvWidth))
            + ParameterCounts.Of(CostComponent.FusionGates, llm.Hidden + 2);
    }

    /// <summary>Cache: the source's keys and values at the LLM's KV width, 2·kv per source token.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens (the hybrid layer caches either way).</param>
    public static long CachedValuesPerSourceToken(HybridFusionConfig config, LanguageModelConfig llm, bool hasText) => 2L * llm.KvWidth;
}
