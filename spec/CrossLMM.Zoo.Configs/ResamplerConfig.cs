using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// Sizes of the learned-query resamplers (Q-Former, Perceiver, CCAM projector, LLaMA-VID's text
    /// Q-Former). From the preset's <c>resampler</c> section (BERT-base sizes at the paper presets).
    /// Architectures whose compressor needs no resampler carry it anyway; it then builds nothing.
    /// </summary>
    /// <param name="Hidden">Resampler width; divisible by <paramref name="Heads"/>.</param>
    /// <param name="Layers">Resampler layers.</param>
    /// <param name="Heads">Attention heads.</param>
    /// <param name="Mlp">FFN inner width.</param>
    /// <param name="NormEps">LayerNorm epsilon.</param>
    public sealed record ResamplerConfig(
        int Hidden,
        int Layers,
        int Heads,
        int Mlp,
        double NormEps)
    {
        /// <summary>Width of one attention head: hidden / heads.</summary>
        public int HeadDim => Heads == 0 ? 0 : Hidden / Heads;

        /// <summary>The shared rules this config breaks, as messages (empty when valid).</summary>
        public IReadOnlyList<string> Validate()
        {
            var problems = new List<string>();
            ConfigRules.Positive(problems, "resampler.hidden", Hidden);
            ConfigRules.Positive(problems, "resampler.layers", Layers);
            ConfigRules.Positive(problems, "resampler.heads", Heads);
            ConfigRules.Positive(problems, "resampler.mlp", Mlp);
            ConfigRules.Epsilon(problems, "resampler.norm_eps", NormEps);
            ConfigRules.Divisible(problems, "resampler.hidden", Hidden, "resampler.heads", Heads);
            return problems;
        }
    }
}
