using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The language model: a Qwen2-style decoder. Sizes from the preset's <c>llm</c> section
    /// (Qwen2.5-1.5B at <c>2b</c>, Qwen2.5-7B at <c>7b</c>). Parameter names follow the Hugging Face keys.
    /// </summary>
    /// <param name="Kind">The model family.</param>
    /// <param name="Hidden">Model width H; divisible by <paramref name="Heads"/>.</param>
    /// <param name="Layers">Decoder layers.</param>
    /// <param name="Heads">Query heads; divisible by <paramref name="KvHeads"/>.</param>
    /// <param name="KvHeads">Key/value heads (grouped-query attention).</param>
    /// <param name="Mlp">SwiGLU inner width.</param>
    /// <param name="Vocab">Vocabulary size.</param>
    /// <param name="RopeTheta">Rotary embedding base.</param>
    /// <param name="NormEps">RMSNorm epsilon.</param>
    /// <param name="TieEmbeddings">Whether the LM head shares the embedding matrix.</param>
    /// <param name="MaxPositions">Largest supported sequence length.</param>
    public sealed record LanguageModelConfig(
        LanguageModelKind Kind,
        int Hidden,
        int Layers,
        int Heads,
        int KvHeads,
        int Mlp,
        int Vocab,
        double RopeTheta,
        double NormEps,
        bool TieEmbeddings,
        int MaxPositions)
    {
        /// <summary>Width of one attention head: hidden / heads (128 for Qwen2.5-7B).</summary>
        public int HeadDim => Heads == 0 ? 0 : Hidden / Heads;

        /// <summary>Width of the key (and value) projection: kv_heads · head_dim.</summary>
        public int KvWidth => KvHeads * HeadDim;

        /// <summary>Query heads that share one key/value head: heads / kv_heads.</summary>
        public int QueriesPerKvHead => KvHeads == 0 ? 0 : Heads / KvHeads;

        /// <summary>The shared rules this config breaks, as messages (empty when valid).</summary>
        public IReadOnlyList<string> Validate()
        {
            var problems = new List<string>();
            ConfigRules.Positive(problems, "llm.hidden", Hidden);
            ConfigRules.Positive(problems, "llm.layers", Layers);
            ConfigRules.Positive(problems, "llm.heads", Heads);
            ConfigRules.Positive(problems, "llm.kv_heads", KvHeads);
            ConfigRules.Positive(problems, "llm.mlp", Mlp);
            ConfigRules.Positive(problems, "llm.vocab", Vocab);
            ConfigRules.Positive(problems, "llm.max_positions", MaxPositions);
            if (!(RopeTheta > 0) || double.IsInfinity(RopeTheta))
            {
                problems.Add(ConfigRules.OutOfRange("llm.rope_theta", RopeTheta, "> 0 and finite"));
            }

            ConfigRules.Epsilon(problems, "llm.norm_eps", NormEps);
            ConfigRules.Divisible(problems, "llm.hidden", Hidden, "llm.heads", Heads);
            ConfigRules.Divisible(problems, "llm.heads", Heads, "llm.kv_heads", KvHeads);
            return problems;
        }
    }
}
