using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// An in-LLM fusion entry: a block that reads a visual <see cref="Source"/> and sits on the decoder
    /// layers listed in <see cref="Layers"/> (already expanded from <c>every</c>/<c>start</c>/<c>layers</c>).
    /// The hierarchy is closed: one sealed record per kind (<see cref="KindAttribute"/>). Every fusion block is
    /// gated, <c>h ← h + tanh(α)·f(h)</c>, with α initialised to <see cref="GateInit"/> (0: the untrained
    /// model equals its base LLM).
    /// </summary>
    public abstract record FusionConfig
    {
        private protected FusionConfig(EquatableArray<int> layers, FusionSource source, double gateInit, int heads, int kvHeads)
        {
            Layers = layers;
            Source = source;
            GateInit = gateInit;
            Heads = heads;
            KvHeads = kvHeads;
        }

        /// <summary>The decoder layers (zero-based, ascending) this entry sits on.</summary>
        public EquatableArray<int> Layers { get; init; }

        /// <summary>The visual tokens the block reads as keys and values.</summary>
        public FusionSource Source { get; init; }

        /// <summary>Initial value of the gate parameter(s) α (tanh(α) scales the block's contribution).</summary>
        public double GateInit { get; init; }

        /// <summary>Attention heads of the block; divides llm.hidden (defaults to llm.heads).</summary>
        public int Heads { get; init; }

        /// <summary>
        /// Key/value heads of the block's cross-attention (grouped-query attention: each serves
        /// <see cref="Heads"/> / <see cref="KvHeads"/> query heads); divides <see cref="Heads"/>. Defaults to
        /// llm.kv_heads, so the fusion keys/values (projections and cache) have the host LLM's own K/V width
        /// (512 at Qwen2.5-7B instead of 3584). The hybrid layer must keep llm.kv_heads: it initialises its
        /// keys/values from the layer's own <c>k_proj</c>/<c>v_proj</c>.
        /// </summary>
        public int KvHeads { get; init; }

        /// <summary>The kind's YAML name.</summary>
        public string KindName => KindDeclaration.Of(GetType()).Name;

        /// <summary>Width of one head: llm.hidden / heads.</summary>
        /// <param name="llmHidden">The LLM width H.</param>
        public int HeadDim(int llmHidden) => Heads == 0 ? 0 : llmHidden / Heads;

        /// <summary>Width of the block's key (and value) projection: kv_heads · head_dim.</summary>
        /// <param name="llmHidden">The LLM width H.</param>
        public int KvWidth(int llmHidden) => KvHeads * HeadDim(llmHidden);

        /// <summary>Whether the entry sits on decoder layer <paramref name="layer"/>.</summary>
        /// <param name="layer">Zero-based layer index.</param>
        public bool IsOn(int layer) => Layers.Contains(layer);

        /// <summary>The shared rules this entry breaks against an LLM config, as messages (empty when valid).</summary>
        /// <param name="llm">The language model it is placed in.</param>
        /// <param name="index">Its index in the fusion list, for messages.</param>
        public virtual IReadOnlyList<string> Validate(LanguageModelConfig llm, int index)
        {
            var problems = new List<string>();
            string prefix = $"fusion[{index}]";
            ConfigRules.Positive(problems, prefix + ".heads", Heads);
            ConfigRules.Positive(problems, prefix + ".kv_heads", KvHeads);
            ConfigRules.Divisible(problems, "llm.hidden", llm.Hidden, prefix + ".heads", Heads);
            ConfigRules.Divisible(problems, prefix + ".heads", Heads, prefix + ".kv_heads", KvHeads);
            if (Layers.IsEmpty)
            {
                problems.Add($"{prefix} places no layer");
            }

            foreach (int layer in Layers)
            {
                if (layer < 0 || layer >= llm.Layers)
                {
                    problems.Add($"{prefix}.layers: layer {layer} is outside the LLM (llm.layers = {llm.Layers}: valid indices 0…{llm.Layers - 1})");
                }
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>dual_cross_attention</c>: CrossLMM's dual cross-attention layer (DCAL), placed after the decoder
    /// layer: V2V (queries at the visual positions) ‖ T2V (queries at the text positions), each with its
    /// own projections and tanh gate, then an FFN, with residuals.
    /// </summary>
    /// <param name="Layers">Decoder layers it follows.</param>
    /// <param name="Source">Keys/values: <c>original</c> tokens by default.</param>
    /// <param name="GateInit">Initial α of the gates.</param>
    /// <param name="Heads">Attention heads (query heads of each branch).</param>
    /// <param name="KvHeads">Key/value heads of each branch (default llm.kv_heads); divides <paramref name="Heads"/>.</param>
    /// <param name="Mlp">Inner width of the layer's new SwiGLU FFN (default llm.mlp).</param>
    /// <param name="Branches">Which branches exist (non-empty, no duplicates).</param>
    /// <param name="Scope">Whether a V2V query sees all frames or only its own frame.</param>
    [Kind("dual_cross_attention", "CrossLMM dual cross-attention layer after the decoder layer: V2V ‖ T2V, then FFN, residuals.")]
    public sealed record DualCrossAttentionConfig(
        EquatableArray<int> Layers,
        [Field("Keys/values.", Default = FusionSource.Original)] FusionSource Source,
        double GateInit,
        int Heads,
        int KvHeads,
        [Field("Inner width of the layer's new SwiGLU FFN.", Max = 1 << 20, Computed = "llm.mlp")] int Mlp,
        [Field("Which branches: v2v (queries at visual positions), t2v (queries at text positions).", Default = new[] { CrossAttentionBranch.V2V, CrossAttentionBranch.T2V })] EquatableArray<CrossAttentionBranch> Branches,
        [Field("Whether a V2V query sees all frames or only its own frame.", Default = TokenScope.Global)] TokenScope Scope) : FusionConfig(Layers, Source, GateInit, Heads, KvHeads)
    {
        /// <inheritdoc/>
        public override IReadOnlyList<string> Validate(LanguageModelConfig llm, int index)
        {
            var problems = new List<string>(base.Validate(llm, index));
            ConfigRules.Positive(problems, $"fusion[{index}].mlp", Mlp);
            return problems;
        }

        /// <summary>Whether the V2V branch is present.</summary>
        public bool HasV2V => Branches.Contains(CrossAttentionBranch.V2V);

        /// <summary>Whether the T2V branch is present.</summary>
        public bool HasT2V => Branches.Contains(CrossAttentionBranch.T2V);
    }

    /// <summary>
    /// <c>hybrid</c>: Slow-Fast hybrid decoder layer, replacing the layer's attention path: text positions
    /// reuse the layer's own (RoPE-rotated) queries against a new key/value projection of the source (no
    /// RoPE), gated by tanh(Linear(h))·tanh(β), β initialised to <see cref="FusionConfig.GateInit"/>.
    /// </summary>
    /// <param name="Layers">Decoder layers it replaces.</param>
    /// <param name="Source">Keys/values: <c>original</c> by default; <c>slow</c> with temporal_pool.</param>
    /// <param name="GateInit">Initial β.</param>
    /// <param name="Heads">Attention heads: must equal llm.heads (the layer's own query heads are reused).</param>
    /// <param name="KvHeads">Key/value heads: must equal llm.kv_heads (the new K/V projections start as copies of the
    /// layer's own <c>k_proj</c>/<c>v_proj</c>).</param>
    [Kind("hybrid", "Slow-Fast hybrid decoder layer: text positions reuse the layer's queries against a new K/V projection of the source; gate tanh(Linear(h))·tanh(β).")]
    public sealed record HybridFusionConfig(
        EquatableArray<int> Layers,
        [Field("Keys/values.", Default = FusionSource.Original)] FusionSource Source,
        double GateInit,
        int Heads,
        int KvHeads) : FusionConfig(Layers, Source, GateInit, Heads, KvHeads)
    {
        /// <inheritdoc/>
        public override IReadOnlyList<string> Validate(LanguageModelConfig llm, int index)
        {
            var problems = new List<string>(base.Validate(llm, index));
            if (Heads != llm.Heads)
            {
                problems.Add(ConfigRules.HybridHeadsDiffer($"fusion[{index}].heads", Heads, "llm.heads", llm.Heads));
            }

            if (KvHeads != llm.KvHeads)
            {
                problems.Add(ConfigRules.HybridHeadsDiffer($"fusion[{index}].kv_heads", KvHeads, "llm.kv_heads", llm.KvHeads));
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>gated_cross_attention</c>: Flamingo's GATED XATTN-DENSE, placed before the decoder layer:
    /// <c>y += tanh(α₁)·xattn(LN(y), media)</c>, <c>y += tanh(α₂)·FFN(LN(y))</c>.
    /// </summary>
    /// <param name="Layers">Decoder layers it precedes.</param>
    /// <param name="Source">Keys/values: <c>compressed</c> tokens (the resampler's latents) by default.</param>
    /// <param name="GateInit">Initial α₁ and α₂.</param>
    /// <param name="Heads">Attention heads.</param>
    /// <param name="KvHeads">Key/value heads of the cross-attention (default llm.kv_heads); divides <paramref name="Heads"/>.</param>
    /// <param name="Mlp">Inner width of the dense GELU FFN (default llm.mlp).</param>
    [Kind("gated_cross_attention", "Flamingo GATED XATTN-DENSE before the decoder layer: y += tanh(α₁)·xattn(LN(y), media); y += tanh(α₂)·FFN(LN(y)).")]
    public sealed record GatedCrossAttentionConfig(
        EquatableArray<int> Layers,
        [Field("Keys/values (the media).", Default = FusionSource.Compressed)] FusionSource Source,
        double GateInit,
        int Heads,
        int KvHeads,
        [Field("Inner width of the dense GELU FFN.", Max = 1 << 20, Computed = "llm.mlp")] int Mlp) : FusionConfig(Layers, Source, GateInit, Heads, KvHeads)
    {
        /// <inheritdoc/>
        public override IReadOnlyList<string> Validate(LanguageModelConfig llm, int index)
        {
            var problems = new List<string>(base.Validate(llm, index));
            ConfigRules.Positive(problems, $"fusion[{index}].mlp", Mlp);
            return problems;
        }
    }
}
