using System;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// A Qwen2 decoder layer (Qwen2 technical report, arXiv:2407.10671; HF <c>Qwen2DecoderLayer</c>), pre-norm:
/// <c>h += self_attn(input_layernorm(h))</c>, <c>h += mlp(post_attention_layernorm(h))</c> — optionally
/// carrying a gated fusion block under <c>cross_attn</c> that runs before the layer (Flamingo) or after it
/// (CrossLMM's DCAL), as torchtune's <c>FusionLayer</c> does but without renaming the base keys.
/// <para>Shapes: (B, S, H) → (B, S, H). Keys: exactly HF's <c>input_layernorm.weight</c>,
/// <c>self_attn.{q,k,v}_proj.{weight,bias}</c>, <c>self_attn.o_proj.weight</c>,
/// <c>post_attention_layernorm.weight</c>, <c>mlp.{gate,up,down}_proj.weight</c>; plus <c>cross_attn.*</c>
/// when a fusion block is carried. The self-attention cache slot is <see cref="CacheSlot.SelfAttention"/>.</para>
/// </summary>
public sealed class Qwen2DecoderLayer : DecoderLayer
{
    private readonly RMSNorm input_layernorm;
    private readonly GroupedQueryAttention self_attn;
    private readonly RMSNorm post_attention_layernorm;
    private readonly SwiGluMlp mlp;
    private readonly DecoderFusion? cross_attn;   // runs first or last, by its Placement

    /// <summary>Assembles the layer from its parts (torchtune style: the builder owns the sizes).</summary>
    /// <param name="inputLayerNorm">RMSNorm before self-attention (key <c>input_layernorm</c>).</param>
    /// <param name="selfAttention">Causal GQA self-attention with RoPE (key <c>self_attn</c>).</param>
    /// <param name="postAttentionLayerNorm">RMSNorm before the MLP (key <c>post_attention_layernorm</c>).</param>
    /// <param name="mlp">SwiGLU feed-forward (key <c>mlp</c>).</param>
    /// <param name="crossAttention">Optional fusion block (key <c>cross_attn</c>); null = a plain Qwen2 layer.</param>
    /// <exception cref="ArgumentException">Parts of different widths.</exception>
    public Qwen2DecoderLayer(
        RMSNorm inputLayerNorm,
        GroupedQueryAttention selfAttention,
        RMSNorm postAttentionLayerNorm,
        SwiGluMlp mlp,
        DecoderFusion? crossAttention = null) : base(nameof(Qwen2DecoderLayer))
    {
        ArgumentNullException.ThrowIfNull(inputLayerNorm);
        ArgumentNullException.ThrowIfNull(selfAttention);
        ArgumentNullException.ThrowIfNull(postAttentionLayerNorm);
        ArgumentNullException.ThrowIfNull(mlp);
        long h = selfAttention.Hidden;
        SameWidth(h, inputLayerNorm.Hidden, nameof(inputLayerNorm));
        SameWidth(h, postAttentionLayerNorm.Hidden, nameof(postAttentionLayerNorm));
        SameWidth(h, mlp.Hidden, nameof(mlp));
        if (crossAttention is not null)
        {
            SameWidth(h, crossAttention.Hidden, nameof(crossAttention));
        }

        input_layernorm = inputLayerNorm;
        self_attn = selfAttention;
        post_attention_layernorm = postAttentionLayerNorm;
        this.mlp = mlp;
        cross_attn = crossAttention;
        RegisterComponents();
    }

    /// <summary>Builds a freshly initialised layer from the LLM config.</summary>
    /// <param name="config">Sizes: hidden, heads, kv_heads, mlp, norm_eps.</param>
    /// <param name="crossAttention">Optional fusion block; null = a plain Qwen2 layer.</param>
    /// <exception cref="ArgumentException">An invalid config.</exception>
    public Qwen2DecoderLayer(LanguageModelConfig config, DecoderFusion? crossAttention = null)
        : this(
            new RMSNorm(Valid(config).Hidden, config.NormEps),
            new GroupedQueryAttention(config.Hidden, config.Heads, config.KvHeads),
            new RMSNorm(config.Hidden, config.NormEps),
            new SwiGluMlp(config.Hidden, config.Mlp),
            crossAttention)
    {
    }

    /// <inheritdoc/>
    public override long Hidden => self_attn.Hidden;

    /// <summary>The fusion block this layer carries, or null.</summary>
    public DecoderFusion? Fusion => cross_attn;

    /// <inheritdoc/>
    public override Tensor forward(Tensor hidden, LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        var h = hidden;
        if (cross_attn is { Placement: FusionPlacement.BeforeLayer })
        {
            h = cross_attn.call(h, context);
        }

        var attended = self_attn.call(input_layernorm.call(h), context.Rotary, context.Mask, context.CacheSlot(CacheSlot.SelfAttention));
        h = h.add(attended);
        h = h.add(mlp.call(post_attention_layernorm.call(h)));
        if (cross_attn is { Placement: FusionPlacement.AfterLayer })
        {
            h = cross_attn.call(h, context);
        }

        return h.MoveToOuterDisposeScope();
    }

    internal static LanguageModelConfig Valid(LanguageModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ConfigRules.ThrowIfAny(config.Validate(), nameof(config));
        return config;
    }

    internal static void SameWidth(long expected, long actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{name} has width {actual}, but the layer's self-attention has width {expected}", name);
        }
    }
}
