using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Language;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>
/// CrossLMM's dual cross-attention layer (DCAL; Yan et al. 2025, arXiv:2505.17020, §3.2, Eqs. 2 and 5–10,
/// Fig. 2/3), placed after the decoder layer that carries it. In pre-norm form (Qwen2 is pre-RMSNorm), with
/// x = input_layernorm(h) and the visual block V = [s, s + L_v) of the stream:
/// <list type="bullet">
/// <item>V2V: <c>h[V] += tanh(α_v)·CrossAttn_v(x[V], source)</c> — queries at the compressed visual
/// positions, keys/values from all T·N source tokens (<c>scope: global</c>) or from the query's own frame
/// only (<c>scope: frame</c>, run as B·T independent attentions of n queries over N keys, so it costs
/// 1/T of the global score rectangle rather than masking it).</item>
/// <item>T2V, in parallel (both read the same x): <c>h[text] += tanh(α_t)·CrossAttn_t(x[text], source)</c>
/// with its own projections. Text = every non-visual position: system prompt, question and answer tokens,
/// before or after the video.</item>
/// <item>A new SwiGLU FFN, gated too: <c>h += tanh(α_f)·mlp(post_attention_layernorm(h))</c>.</item>
/// </list>
/// With every α = 0 the layer is the exact identity, so a CrossLMM starts as its pooling-only counterpart.
/// No RoPE on either side of the cross-attention (the source has no stream positions). The source tokens
/// are used as given (projected to H by the model's projector, not normalised). Each branch's keys/values
/// may use fewer heads than its queries (grouped-query attention; the zoo's default is the LLM's own
/// kv_heads).
/// <para>Shapes: B batch, S positions, L_v visual, L_t text, M source tokens, T frames, H width, h heads,
/// g key/value heads, d = H/h. (B, S, H) → (B, S, H). Keys (under the carrying layer's <c>cross_attn</c>):
/// <c>input_layernorm.weight</c>, <c>v2v.{q,k,v,o}_proj.*</c> (k/v: (g·d, H)), <c>v2v_gate.alpha</c>,
/// <c>t2v.{q,k,v,o}_proj.*</c>, <c>t2v_gate.alpha</c> (each branch only when present),
/// <c>post_attention_layernorm.weight</c>, <c>mlp.{gate,up,down}_proj.weight</c>, <c>mlp_gate.alpha</c>.
/// Cache slot: <see cref="CacheSlot.TextToVisual"/> (the T2V source keys/values (B, g, M, d), computed once at prefill).
/// V2V keeps nothing: decoding steps add text positions only, so no V2V query ever reads its keys/values
/// after the prefill.</para>
/// <para>Causality caveat: with <c>layout: video_first</c> the visual positions come before the question, so
/// under the causal mask the V2V queries are not text-aware (the paper's wording notwithstanding);
/// <c>layout: question_first</c> puts the question first and makes them so.</para>
/// </summary>
[BlockFor(typeof(DualCrossAttentionConfig))]
public sealed class DualCrossAttentionLayer : DecoderFusion, IHfKeyMapped, IFusionCost<DualCrossAttentionConfig>
{
    private readonly RMSNorm input_layernorm;
    private readonly CrossAttention? v2v;
    private readonly TanhGate? v2v_gate;
    private readonly CrossAttention? t2v;
    private readonly TanhGate? t2v_gate;
    private readonly RMSNorm post_attention_layernorm;
    private readonly SwiGluMlp mlp;
    private readonly TanhGate mlp_gate;

    /// <summary>Creates a freshly initialised DCAL.</summary>
    /// <param name="hidden">LLM width H (queries, sources and output), divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Query heads h of each cross-attention branch.</param>
    /// <param name="intermediate">Inner width of the new SwiGLU FFN (the builder uses the entry's <c>mlp</c>, default llm.mlp).</param>
    /// <param name="branches">Which branches exist: a non-empty subset of {V2V, T2V} without duplicates.</param>
    /// <param name="scope">Whether a V2V query sees all frames (<c>Global</c>) or only its own (<c>Frame</c>).</param>
    /// <param name="source">The source read as keys/values (<c>original</c>: all T·N encoder tokens).</param>
    /// <param name="gateInit">Initial α of the three gates (0: the layer starts as the identity).</param>
    /// <param name="normEps">RMSNorm epsilon.</param>
    /// <param name="kvHeads">Key/value heads g of each branch, dividing <paramref name="heads"/>; null = <paramref name="heads"/>
    /// (plain multi-head; the builder passes the entry's <c>kv_heads</c>, default llm.kv_heads).</param>
    /// <exception cref="ArgumentException">Sizes that do not divide, or no/duplicate branches.</exception>
    public DualCrossAttentionLayer(
        long hidden,
        long heads,
        long intermediate,
        IReadOnlyCollection<CrossAttentionBranch> branches,
        TokenScope scope = TokenScope.Global,
        FusionSource source = FusionSource.Original,
        double gateInit = 0.0,
        double normEps = 1e-6,
        long? kvHeads = null) : base(nameof(DualCrossAttentionLayer), source)
    {
        ArgumentNullException.ThrowIfNull(branches);
        BlockChecks.Divisible(hidden, nameof(hidden), heads, nameof(heads));
        if (branches.Count == 0)
        {
            throw new ArgumentException("branches must not be empty: give V2V, T2V or both", nameof(branches));
        }

        if (branches.Distinct().Count() != branches.Count)
        {
            throw new ArgumentException($"branches ({string.Join(", ", branches)}) must not repeat a branch", nameof(branches));
        }

        HiddenWidth = hidden;
        Scope = scope;
        input_layernorm = new RMSNorm(hidden, normEps);
        if (branches.Contains(CrossAttentionBranch.V2V))
        {
            v2v = new CrossAttention(hidden, heads, kvHeads: kvHeads);
            v2v_gate = new TanhGate(gateInit);
        }

        if (branches.Contains(CrossAttentionBranch.T2V))
        {
            t2v = new CrossAttention(hidden, heads, kvHeads: kvHeads);
            t2v_gate = new TanhGate(gateInit);
        }

        post_attention_layernorm = new RMSNorm(hidden, normEps);
        mlp = new SwiGluMlp(hidden, intermediate);
        mlp_gate = new TanhGate(gateInit);
        RegisterComponents();
    }

    /// <summary>Creates a DCAL from its bound config entry.</summary>
    /// <param name="config">The fusion entry (branches, scope, source, gate init, heads, kv_heads, FFN width).</param>
    /// <param name="llm">The LLM it sits in (width, norm epsilon).</param>
    /// <exception cref="ArgumentException">Heads that do not divide the LLM width, kv_heads that do not divide heads, or no branches.</exception>
    public DualCrossAttentionLayer(DualCrossAttentionConfig config, LanguageModelConfig llm)
        : this(
            NotNull(llm).Hidden,
            NotNull(config).Heads,
            config.Mlp,
            config.Branches.ToArray(),
            config.Scope,
            config.Source,
            config.GateInit,
            llm.NormEps,
            config.KvHeads)
    {
    }

    /// <inheritdoc/>
    public override FusionPlacement Placement => FusionPlacement.AfterLayer;

    /// <inheritdoc/>
    public override long Hidden => HiddenWidth;

    /// <summary>New in CrossLMM: no Hugging Face checkpoint has these keys (a CrossLMM built on LLaVA-OneVision loads with <c>--allow-missing '*.cross_attn.*'</c>).</summary>
    public HfKeyMap HfKeys { get; } = HfKeyMap.New("CrossLMM DCAL, arXiv:2505.17020");

    /// <summary>Whether V2V queries see all frames or only their own.</summary>
    public TokenScope Scope { get; }

    /// <summary>Whether the V2V branch exists.</summary>
    public bool HasV2V => v2v is not null;

    /// <summary>Whether the T2V branch exists.</summary>
    public bool HasT2V => t2v is not null;

    private long HiddenWidth { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor hidden, LayerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        var fusion = context.Fusion;
        var source = fusion?.Source(Source);
        CheckInputs(hidden, source);
        var visual = StreamSegments.Visual(fusion, hidden);
        if (Scope == TokenScope.Frame && v2v is not null && visual.Length > 0 && source is not null)
        {
            CheckWholeFrames(hidden, visual, source.Tokens, fusion!.Frames);
        }

        var sourceMask = source?.KeyMask();   // [B, 1, 1, M], shared by both branches
        var x = input_layernorm.call(hidden);

        Tensor? visualUpdate = null;
        if (v2v is not null && visual.Length > 0 && source is not null)
        {
            var queries = x.narrow(1, visual.Start, visual.Length);                             // [B, L_v, H]
            var attended = Scope == TokenScope.Frame
                ? PerFrame(v2v, queries, source.Tokens, sourceMask, fusion!.Frames)
                : Global(v2v, queries, source.Tokens, sourceMask);                                                  // [B, L_v, h·d]
            visualUpdate = v2v_gate!.call(v2v.Output(attended));                                 // [B, L_v, H]
        }

        Tensor? textUpdate = null;
        var textQueries = t2v is null ? null : StreamSegments.Text(x, visual);                // [B, L_t, H]
        if (t2v is not null && textQueries is not null)
        {
            var kv = t2v.KeyValues(source?.Tokens, sourceMask, context.CacheSlot(CacheSlot.TextToVisual));
            if (kv is { } keyValues)
            {
                var (k, v, mask) = keyValues;
                var q = t2v.ProjectQueries(textQueries, null);                                // [B, h, L_t, d]
                textUpdate = t2v_gate!.call(t2v.Output(t2v.Attend(q, k, v, mask)));           // [B, L_t, H]
            }
        }

        var h = visualUpdate is null && textUpdate is null
            ? hidden
            : StreamSegments.AddInPlaces(hidden, visual, visualUpdate, textUpdate);
        h = h.add(mlp_gate.call(mlp.call(post_attention_layernorm.call(h))));
        return h.MoveToOuterDisposeScope();
    }

    // V2V over all M source tokens: queries (B, L_v, H) → merged heads (B, L_v, h·d). Never cached (see the summary).
    private static Tensor Global(CrossAttention attention, Tensor queries, Tensor tokens, Tensor? mask)
    {
        var (k, v) = attention.ProjectKeyValues(tokens);                                         // [B, g, M, d]
        return attention.Attend(attention.ProjectQueries(queries, null), k, v, mask);
    }

    // V2V within each frame: the L_v = T·n queries and M = T·N source tokens are frame-major, so frame t's queries
    // attend to frame t's tokens only, as B·T independent attentions of n queries over N keys.
    private static Tensor PerFrame(CrossAttention attention, Tensor queries, Tensor tokens, Tensor? mask, int frames)
    {
        var qs = queries.shape;
        var ts = tokens.shape;
        long b = qs[0], visualLength = qs[1], sourceLength = ts[1];
        long n = visualLength / frames, m = sourceLength / frames, bt = b * frames;
        var q = attention.ProjectQueries(queries.reshape(bt, n, qs[2]), null);                   // [B·T, h, n, d]
        var (k, v) = attention.ProjectKeyValues(tokens.reshape(bt, m, ts[2]));                  // [B·T, g, N, d]
        var frameMask = mask?.reshape(bt, 1, 1, m);                                              // [B·T, 1, 1, N]
        var attended = attention.Attend(q, k, v, frameMask);                                     // [B·T, n, h·d]
        return attended.reshape(b, visualLength, attended.shape[2]);                              // [B, L_v, h·d]
    }

    // Scope frame splits the visual block and the source into T frame-major groups, so both must hold whole frames.
    private static void CheckWholeFrames(Tensor hidden, (long Start, long Length) visual, Tensor tokens, int frames)
    {
        long sourceLength = tokens.shape[1];
        if (frames < 1 || visual.Length % frames != 0 || sourceLength % frames != 0)
        {
            throw new ArgumentException(
                $"scope frame needs whole frames: the visual block [{visual.Start}, {visual.Start + visual.Length}) of hidden {BlockChecks.Format(hidden.shape)} " +
                $"and the source tokens {BlockChecks.Format(tokens.shape)} must both be divisible by frames ({frames})",
                nameof(frames));
        }
    }

    private static T NotNull<T>(T value)
        where T : class => value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>
    /// FLOPs: per present branch that runs (V2V needs L_v &gt; 0, T2V needs L_t &gt; 0): k/v of the source to the entry's
    /// K/V width 4·M·H·kv_f unless cached (V2V never is: it projects in the prefill, the only pass with visual queries),
    /// q and o 4·L·H², QKᵀ and AV 4·L·K·H with K = M keys per query — or, for V2V with <c>scope: frame</c>, K = M/T (each
    /// frame's queries attend to that frame's tokens only); then the SwiGLU FFN of width I_f on all S positions 6·S·H·I_f.
    /// All × B.
    /// </summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work on the layer.</param>
    public static FlopBreakdown Flops(DualCrossAttentionConfig config, LanguageModelConfig llm, FusionWork work)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(llm);
        long kv = config.KvWidth(llm.Hidden);
        var total = FlopBreakdown.Zero;
        if (config.HasV2V && work.VisualQueries > 0)
        {
            long keys = config.Scope == TokenScope.Frame && work.Frames > 0 ? work.SourceTokens / work.Frames : work.SourceTokens;
            total += LanguageBlockFlops.CrossAttention(llm.Hidden, kv, work.Batch, work.VisualQueries, work.SourceTokens, keys, projectSource: true);
        }

        if (config.HasT2V && work.TextQueries > 0)
        {
            total += LanguageBlockFlops.CrossAttention(llm.Hidden, kv, work.Batch, work.TextQueries, work.SourceTokens, work.SourceTokens, work.ProjectSource);
        }

        long rows = checked(work.Batch * (work.VisualQueries + work.TextQueries));
        return total + FlopBreakdown.Of(CostComponent.FusionFeedForward, OpKind.Linear, checked(VisualBlockFlops.Linear(rows, llm.Hidden, config.Mlp) * 3));
    }

    /// <summary>
    /// Parameters, with kv_f = the entry's K/V width and I_f its FFN width: two RMSNorms 2H; per branch k/v
    /// 2(H·kv_f + kv_f), q H² + H, o H², a gate; SwiGLU 3·H·I_f and its gate.
    /// </summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts Parameters(DualCrossAttentionConfig config, LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, kv = config.KvWidth(llm.Hidden);
            long branches = (config.HasV2V ? 1 : 0) + (config.HasT2V ? 1 : 0);
            return ParameterCounts.Of(CostComponent.FusionNorms, 2 * h)
                + ParameterCounts.Of(CostComponent.FusionKeyValueProjections, branches * 2 * BlockParameters.Linear(h, kv))
                + ParameterCounts.Of(CostComponent.FusionAttention, branches * (BlockParameters.Linear(h, h) + h * h))
                + ParameterCounts.Of(CostComponent.FusionGates, branches + 1)
                + ParameterCounts.Of(CostComponent.FusionFeedForward, 3 * h * config.Mlp);
        }
    }

    /// <summary>Cache: the T2V branch's keys and values (2·kv_f per source token) when there is text; V2V caches nothing.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens.</param>
    public static long CachedValuesPerSourceToken(DualCrossAttentionConfig config, LanguageModelConfig llm, bool hasText) =>
        config.HasT2V && hasText ? 2L * config.KvWidth(llm.Hidden) : 0;
}
