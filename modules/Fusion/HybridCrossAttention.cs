using System;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>
/// The cross-attention a Slow-Fast hybrid decoder layer adds (arXiv:2504.01328; SHI-Labs code,
/// <c>Qwen2HybridFlashAttention2</c>, <c>text-only-vanilla</c> + <c>whole-dynamic-tanh-warmup</c>): the text
/// positions' own RoPE-rotated self-attention queries attend to new key/value projections of the normalised
/// slow tokens (no RoPE on them, GQA-shared heads, non-causal, key padding masked), and the result is added
/// to the self-attention output before <c>o_proj</c> through the gate <c>tanh(Linear(a))·tanh(β)</c>, where a
/// is that self-attention output: <c>a_text ← a_text + g·c</c>.
/// <para>Shapes: B batch, S positions, L_t text positions, M slow tokens, H width, h query heads, g key/value
/// heads, d head width. forward: a (B, S, h·d), rotated queries (B, h, S, d), normalised source (B, M, H) or
/// null → a (B, S, h·d).</para>
/// <para>Keys (under the layer's <c>cross_attn</c>): <c>k_proj</c>/<c>v_proj</c> (g·d, H) with bias, the gate's
/// <c>gate.proj</c> (1, H) with bias and <c>gate.beta</c> (1). The reference code fuses K and V into one
/// <c>cross_attn_kv_proj</c> initialised as <c>cat(k_proj, v_proj)</c> but split as <c>(H KV D)</c>, which mixes
/// heads and the K/V roles (papers.md §2.6.8); here K and V are separate projections, and
/// <see cref="CopyFrom"/> initialises them as exact copies of the layer's <c>k_proj</c>/<c>v_proj</c>, so that
/// at initialisation the cross keys/values of a token equal its self-attention keys/values before RoPE.</para>
/// </summary>
public sealed class HybridCrossAttention : nn.Module<Tensor, Tensor, Tensor?, LayerContext, Tensor>, IHfKeyMapped
{
    /// <summary>
    /// Hugging Face keys: a new block (no mapping to the Slow-Fast release's checkpoint keys is declared; a Qwen2
    /// checkpoint leaves it missing, and strict loading names it).
    /// </summary>
    public HfKeyMap HfKeys { get; } = HfKeyMap.New("Slow-Fast hybrid cross-attention, arXiv:2504.01328");

    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly HybridGate gate;
    private readonly KeyValueProjection _keyValues;

    /// <summary>Creates the cross-attention with PyTorch's default Linear initialisation (see <see cref="CopyFrom"/>).</summary>
    /// <param name="hidden">Model width H = h·d.</param>
    /// <param name="heads">Query heads h of the layer whose queries are reused; divides H.</param>
    /// <param name="kvHeads">Key/value heads g of the new projections; divides h (the layer's own g in Slow-Fast).</param>
    /// <param name="source">The visual source read as keys/values (<c>slow</c> with temporal pooling; <c>original</c> by default).</param>
    /// <param name="betaInit">Initial β of the gate (0: closed, the layer equals its base).</param>
    /// <exception cref="ArgumentException">Sizes that do not divide.</exception>
    public HybridCrossAttention(long hidden, long heads, long kvHeads, FusionSource source = FusionSource.Original, double betaInit = 0.0)
        : base(nameof(HybridCrossAttention))
    {
        BlockChecks.Divisible(hidden, nameof(hidden), heads, nameof(heads));
        BlockChecks.Divisible(heads, nameof(heads), kvHeads, nameof(kvHeads));
        Hidden = hidden;
        Heads = heads;
        KvHeads = kvHeads;
        HeadDim = hidden / heads;
        Source = source;
        k_proj = nn.Linear(hidden, kvHeads * HeadDim);
        v_proj = nn.Linear(hidden, kvHeads * HeadDim);
        gate = new HybridGate(hidden, betaInit);
        _keyValues = new KeyValueProjection(k_proj, v_proj, hidden, kvHeads, "(B, M, H)");
        RegisterComponents();
    }

    /// <summary>Model width H.</summary>
    public long Hidden { get; }

    /// <summary>Query heads h.</summary>
    public long Heads { get; }

    /// <summary>Key/value heads g.</summary>
    public long KvHeads { get; }

    /// <summary>Head width d.</summary>
    public long HeadDim { get; }

    /// <summary>The visual source read as keys/values.</summary>
    public FusionSource Source { get; }

    /// <summary>The gate (its β is the warm-up scalar).</summary>
    public HybridGate Gate => gate;

    /// <summary>
    /// Copies the layer's self-attention key/value projections into the cross projections, head by head
    /// (plain weight copies: both are (g·d, H) with rows ordered head-major). Call after loading a base
    /// checkpoint, as Slow-Fast does with <c>initialize_cross_attn_kv_from_lm</c>.
    /// </summary>
    /// <param name="selfAttention">The layer's self-attention.</param>
    /// <exception cref="ArgumentException">Shapes that differ.</exception>
    public void CopyFrom(GroupedQueryAttention selfAttention)
    {
        ArgumentNullException.ThrowIfNull(selfAttention);
        if (selfAttention.Hidden != Hidden || selfAttention.KvHeads != KvHeads || selfAttention.HeadDim != HeadDim)
        {
            throw new ArgumentException(
                $"selfAttention (hidden {selfAttention.Hidden}, kv heads {selfAttention.KvHeads}, head dim {selfAttention.HeadDim}) " +
                $"does not match the cross-attention (hidden {Hidden}, kv heads {KvHeads}, head dim {HeadDim})",
                nameof(selfAttention));
        }

        using var noGrad = torch.no_grad();
        Copy(selfAttention.KeyProjection, k_proj);
        Copy(selfAttention.ValueProjection, v_proj);
    }

    /// <summary>Per-head keys and values of the normalised source (no positions).</summary>
    /// <param name="source">(B, M, H).</param>
    /// <returns>(B, g, M, d) each; the caller owns them.</returns>
    public (Tensor Key, Tensor Value) ProjectKeyValues(Tensor source) => _keyValues.Project(source, nameof(source));

    /// <summary>Adds the gated cross-attention to the text positions of the self-attention output.</summary>
    /// <param name="attended">Self-attention output before o_proj, (B, S, h·d).</param>
    /// <param name="queries">The layer's rotated queries (B, h, S, d).</param>
    /// <param name="normalisedSource">The source tokens after the layer's input_layernorm (B, M, H); null when
    /// the cache already holds their keys/values or the pass has no visual input.</param>
    /// <param name="context">The pass's context: visual block, source padding and the cache slot <see cref="CacheSlot.CrossAttention"/>.</param>
    /// <returns>(B, S, h·d); unchanged values (a new handle) without visual input.</returns>
    public override Tensor forward(Tensor attended, Tensor queries, Tensor? normalisedSource, LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long[] a = attended.shape, q = queries.shape;
        if (a.Length != 3 || a[2] != Heads * HeadDim || q.Length != 4 || q[0] != a[0] || q[1] != Heads || q[2] != a[1] || q[3] != HeadDim)
        {
            throw new ArgumentException(
                $"attended {BlockChecks.Format(a)} must be (B, S, {Heads * HeadDim}) and queries {BlockChecks.Format(q)} (B, {Heads}, S, {HeadDim}) for the same B and S", nameof(queries));
        }

        if (normalisedSource is not null)
        {
            BlockChecks.SameBatch(attended, nameof(attended), normalisedSource, nameof(normalisedSource));
        }

        using var scope = torch.NewDisposeScope();
        var sourceMask = normalisedSource is null ? null : context.Fusion?.Source(Source)?.KeyMask();   // [B, 1, 1, M]
        if (_keyValues.Resolve(normalisedSource, sourceMask, context.CacheSlot(CacheSlot.CrossAttention), nameof(normalisedSource)) is not { } keyValues)
        {
            return attended.alias().MoveToOuterDisposeScope();
        }

        var (key, value, mask) = keyValues;

        var visual = StreamSegments.Visual(context.Fusion, attended);
        var textQueries = StreamSegments.Text(queries, visual, dim: 2);   // [B, h, L_t, d]
        if (textQueries is null)
        {
            return attended.alias().MoveToOuterDisposeScope();
        }

        var merged = MultiHead.Merge(ScaledDotProductAttention.ComputeGrouped(textQueries, key, value, mask));   // [B, L_t, h·d]
        var textAttended = StreamSegments.Text(attended, visual)!;              // [B, L_t, h·d]
        var update = gate.call(textAttended).mul(merged);                       // [B, L_t, h·d]
        return StreamSegments.AddInPlaces(attended, visual, null, update).MoveToOuterDisposeScope();
    }

    private static void Copy(Linear from, Linear to)
    {
        to.weight!.copy_(from.weight!);
        if (from.bias is not null && to.bias is not null)
        {
            to.bias.copy_(from.bias);
        }
        else if (to.bias is not null)
        {
            to.bias.zero_();
        }
    }
}
