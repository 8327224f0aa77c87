using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The vision encoder: a SigLIP-style ViT, or precomputed features of the same shape. Sizes come from
    /// the preset's <c>vision</c> section in zoo.yaml (and the architecture's overrides).
    /// Shapes: a frame (C, image, image) becomes N = <see cref="TokensPerFrame"/> tokens of width D = <see cref="Hidden"/>.
    /// </summary>
    /// <param name="Kind">How features are obtained: a ViT or precomputed.</param>
    /// <param name="Image">Input side in pixels (square frames).</param>
    /// <param name="Patch">Patch side in pixels; divides <paramref name="Image"/>.</param>
    /// <param name="Channels">Input channels (3 for RGB).</param>
    /// <param name="Hidden">Encoder width D; divisible by <paramref name="Heads"/>.</param>
    /// <param name="Layers">Transformer blocks.</param>
    /// <param name="Heads">Attention heads.</param>
    /// <param name="Mlp">MLP inner width.</param>
    /// <param name="NormEps">LayerNorm epsilon.</param>
    public sealed record VisionConfig(
        VisionKind Kind,
        int Image,
        int Patch,
        int Channels,
        int Hidden,
        int Layers,
        int Heads,
        int Mlp,
        double NormEps)
    {
        /// <summary>Side g of the patch grid: image / patch (27 for SigLIP so400m-patch14-384).</summary>
        public int PatchGrid => Patch == 0 ? 0 : Image / Patch;

        /// <summary>Encoder tokens per frame N = g² (729 for SigLIP so400m-patch14-384).</summary>
        public int TokensPerFrame => PatchGrid * PatchGrid;

        /// <summary>Width of one attention head: hidden / heads.</summary>
        public int HeadDim => Heads == 0 ? 0 : Hidden / Heads;

        /// <summary>The shared rules this config breaks, as messages (empty when valid).</summary>
        public IReadOnlyList<string> Validate()
        {
            var problems = new List<string>();
            ConfigRules.Positive(problems, "vision.image", Image);
            ConfigRules.Positive(problems, "vision.patch", Patch);
            ConfigRules.Positive(problems, "vision.channels", Channels);
            ConfigRules.Positive(problems, "vision.hidden", Hidden);
            ConfigRules.Positive(problems, "vision.layers", Layers);
            ConfigRules.Positive(problems, "vision.heads", Heads);
            ConfigRules.Positive(problems, "vision.mlp", Mlp);
            ConfigRules.Epsilon(problems, "vision.norm_eps", NormEps);
            ConfigRules.Divisible(problems, "vision.image", Image, "vision.patch", Patch);
            ConfigRules.Divisible(problems, "vision.hidden", Hidden, "vision.heads", Heads);
            return problems;
        }
    }
}
