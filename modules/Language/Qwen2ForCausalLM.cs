using CrossLMM.Zoo.Engine;
using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// A Qwen2 causal language model (HF <c>Qwen2ForCausalLM</c>): the <see cref="Qwen2Model"/> decoder and an LM
/// head, separate (<c>lm_head.weight</c>, Qwen2.5-7B) or tied to the token embedding (Qwen2.5-1.5B: no
/// <c>lm_head</c> key, as in HF's saved checkpoints), with greedy generation over the KV cache.
/// <para>Shapes: B batch, S positions, V vocabulary. forward: ids (B, S) → logits (B, S, V), or (B, min(k, S), V) for
/// the last k positions with <see cref="DecoderInputs.LogitsToKeep"/> = k &gt; 0 (HF's <c>logits_to_keep</c>: the head
/// then runs on those positions only; <see cref="Generate"/>'s prefill keeps 1).</para>
/// <para>Keys: <c>model.*</c> (see <see cref="Qwen2Model"/>) and, untied, <c>lm_head.weight</c> (V, H).</para>
/// </summary>
[BlockFor(LanguageModelKind.Qwen2)]
public sealed class Qwen2ForCausalLM : nn.Module<Tensor, DecoderInputs?, Tensor>, IHfKeyMapped, ILanguageModelCost
{
    private readonly Qwen2Model model;
    private readonly Linear? lm_head;

    /// <summary>Assembles the LM from its parts.</summary>
    /// <param name="model">The decoder (key <c>model</c>).</param>
    /// <param name="lmHead">A (V, H) head without bias (key <c>lm_head</c>), or null to tie it to <c>model.embed_tokens</c>.</param>
    /// <exception cref="ArgumentException">A head whose shape does not match the embedding.</exception>
    public Qwen2ForCausalLM(Qwen2Model model, Linear? lmHead) : base(nameof(Qwen2ForCausalLM))
    {
        ArgumentNullException.ThrowIfNull(model);
        if (lmHead is not null && (lmHead.in_features != model.Hidden || lmHead.out_features != model.Vocab))
        {
            throw new ArgumentException(
                $"lmHead maps {lmHead.in_features} → {lmHead.out_features}, but the model needs {model.Hidden} → {model.Vocab}",
                nameof(lmHead));
        }

        this.model = model;
        lm_head = lmHead;
        RegisterComponents();
    }

    /// <summary>Builds a freshly initialised LM from the config (tied or not per <c>tie_embeddings</c>).</summary>
    /// <param name="config">LLM sizes.</param>
    /// <param name="layer">Builds layer i (e.g. with its fusion block); null = plain layers.</param>
    /// <exception cref="ArgumentException">An invalid config.</exception>
    public Qwen2ForCausalLM(LanguageModelConfig config, Func<int, DecoderLayer>? layer = null)
        : this(
            new Qwen2Model(config, layer),
            config.TieEmbeddings ? null : nn.Linear(config.Hidden, config.Vocab, hasBias: false))
    {
    }

    /// <summary>HF's <c>Qwen2ForCausalLM</c>: the same names (<c>model.layers.N.self_attn.q_proj.weight</c>, <c>lm_head.weight</c>).</summary>
    public HfKeyMap HfKeys { get; } = new("Qwen2ForCausalLM");

    /// <summary>The decoder.</summary>
    public Qwen2Model Model => model;

    /// <summary>Whether the head is tied to the token embedding.</summary>
    public bool TiedEmbeddings => lm_head is null;

    /// <summary>Logits of the hidden states: (B, S, H) → (B, S, V).</summary>
    /// <param name="hidden">Final hidden states.</param>
    /// <returns>A new tensor; the caller owns it.</returns>
    public Tensor Logits(Tensor hidden) =>
        lm_head is null ? TiedHead(hidden) : lm_head.call(hidden);

    // The tied head is a product with the embedding matrix, not a Linear module: counted at this call site.
    private Tensor TiedHead(Tensor hidden)
    {
        var logits = nn.functional.linear(hidden, model.EmbedTokens.weight!);
        if (FlopCounter.IsCounting) FlopCounter.Record(FlopKind.Linear, 2 * logits.numel() * hidden.shape[^1]);
        return logits;
    }

    /// <summary>Logits for S new positions given as embeddings (the entry point of a multimodal model).</summary>
    /// <param name="inputsEmbeds">(B, S, H).</param>
    /// <param name="inputs">Padding, cache, fusion inputs and how many logits to keep, or null.</param>
    /// <returns>(B, S, V), or (B, min(k, S), V) for <see cref="DecoderInputs.LogitsToKeep"/> = k &gt; 0; the caller owns it.</returns>
    /// <exception cref="ArgumentException">A negative <see cref="DecoderInputs.LogitsToKeep"/>.</exception>
    public Tensor ForwardEmbeddings(Tensor inputsEmbeds, DecoderInputs? inputs)
    {
        int keep = inputs?.LogitsToKeep ?? 0;
        if (keep < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum("inputs.LogitsToKeep", keep, 0), nameof(inputs));
        }

        using var scope = torch.NewDisposeScope();
        var hidden = model.call(inputsEmbeds, inputs);   // [B, S, H]
        long s = hidden.shape[1];
        if (keep > 0 && keep < s)
        {
            hidden = hidden.narrow(1, s - keep, keep);   // [B, k, H]
        }

        return Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor inputIds, DecoderInputs? inputs)
    {
        BlockChecks.Rank(inputIds, 2, nameof(inputIds), "(B, S) token ids");
        using var scope = torch.NewDisposeScope();
        return ForwardEmbeddings(model.Embed(inputIds), inputs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Greedy decoding over the KV cache: one prefill pass over the prompt (computing the last position's logits
    /// only), then one pass per new token, each taking the arg-max of the last position's logits.
    /// </summary>
    /// <param name="inputIds">Prompt (B, S) (left-pad batched prompts of different lengths).</param>
    /// <param name="maxNewTokens">Tokens to generate, ≥ 1.</param>
    /// <param name="padding">(B, S) prompt mask, true/1 for real tokens; null = all real.</param>
    /// <param name="eosTokenId">Stop once every sequence has produced it (later tokens of finished sequences repeat it).</param>
    /// <returns>The new tokens (B, n) int64, n ≤ <paramref name="maxNewTokens"/>; the caller owns them.</returns>
    public Tensor Generate(Tensor inputIds, int maxNewTokens, Tensor? padding = null, long? eosTokenId = null)
    {
        BlockChecks.Rank(inputIds, 2, nameof(inputIds), "(B, S) token ids");
        return GreedyDecoding.Run(
            cache => ForwardEmbeddings(model.Embed(inputIds), new DecoderInputs(padding, cache, LogitsToKeep: 1)),
            (next, cache) => ForwardEmbeddings(model.Embed(next), new DecoderInputs(null, cache)),
            maxNewTokens,
            eosTokenId);
    }

    /// <summary>
    /// FLOPs of a Qwen2 decoder layer's own work (also the unchanged part of a hybrid layer): q/k/v/o 2·S·H·(2H + 2·kv),
    /// QKᵀ and AV 2·S·K·H each (the hook counts the full rectangle — causal masking skips no product), SwiGLU 6·S·H·I.
    /// All × B.
    /// </summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S new positions.</param>
    /// <param name="keys">K = P + S positions attended.</param>
    public static FlopBreakdown LayerFlops(LanguageModelConfig llm, long batch, long queries, long keys)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden, rows = batch * queries;
            long projections = VisualBlockFlops.Linear(rows, h, h) * 2 + VisualBlockFlops.Linear(rows, h, llm.KvWidth) * 2;
            return FlopBreakdown.Of(CostComponent.AttentionProjections, OpKind.Linear, projections)
                + FlopBreakdown.Of(CostComponent.AttentionScores, OpKind.Matmul, batch * VisualBlockFlops.Attention(queries, keys, h))
                + FlopBreakdown.Of(CostComponent.Mlp, OpKind.Linear, VisualBlockFlops.Linear(rows, h, llm.Mlp) * 3);
        }
    }

    /// <summary>FLOPs of the LM head over <paramref name="positions"/> positions per sample: 2·B·positions·H·vocab.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    public static FlopBreakdown HeadFlops(LanguageModelConfig llm, long batch, long positions)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return FlopBreakdown.Of(CostComponent.LmHead, OpKind.Linear, VisualBlockFlops.Linear(checked(batch * positions), llm.Hidden, llm.Vocab));
    }

    /// <summary>Parameters of a Qwen2 decoder layer: q H² + H, k and v H·kv + kv each, o H²; SwiGLU 3·H·I; two RMSNorms 2H.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts LayerParameters(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long h = llm.Hidden;
            return ParameterCounts.Of(CostComponent.AttentionProjections, BlockParameters.Linear(h, h) + 2 * BlockParameters.Linear(h, llm.KvWidth) + h * h)
                + ParameterCounts.Of(CostComponent.Mlp, 3 * h * llm.Mlp)
                + ParameterCounts.Of(CostComponent.Norms, 2 * h);
        }
    }

    /// <summary>Parameters outside the layers: embeddings vocab·H, final RMSNorm H, LM head vocab·H when untied.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts ShellParameters(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        checked
        {
            long table = (long)llm.Vocab * llm.Hidden;
            return ParameterCounts.Of(CostComponent.Embeddings, table)
                + ParameterCounts.Of(CostComponent.Norms, llm.Hidden)
                + ParameterCounts.Of(CostComponent.LmHead, llm.TieEmbeddings ? 0 : table);
        }
    }
}
