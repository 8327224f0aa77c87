using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP-style ViT for video (Zhai et al. 2023, arXiv:2303.15343; HF <c>SiglipVisionTransformer</c>
/// without the attention-pooling head, as LLaVA-OneVision and CrossLMM use it): every frame is encoded on
/// its own — frames are folded into the batch — into N = (image/patch)² patch tokens of width D.
/// Frames (B, T, C, H, W) → per-frame patch tokens (B, T, N, D).
/// Keys: <c>embeddings.{patch_embedding,position_embedding}</c>,
/// <c>encoder.layers.{i}.{layer_norm1,self_attn.{q,k,v,out}_proj,layer_norm2,mlp.{fc1,fc2}}</c>,
/// <c>post_layernorm</c>.
/// </summary>
public sealed class SiglipVisionTransformer : VisionEncoder
{
    private readonly SiglipVisionEmbeddings embeddings;
    private readonly SiglipEncoder encoder;
    private readonly LayerNorm post_layernorm;

    /// <summary>Creates the ViT from explicit sizes.</summary>
    /// <param name="image">Input side in pixels; divisible by <paramref name="patch"/>.</param>
    /// <param name="patch">Patch side in pixels.</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Encoder blocks.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">MLP inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid; the message quotes it.</exception>
    public SiglipVisionTransformer(int image, int patch, long channels, long hidden, int layers, long heads, long mlp, double normEps)
        : base(nameof(SiglipVisionTransformer), PatchGridOf(image, patch), hidden)
    {
        embeddings = new SiglipVisionEmbeddings(image, patch, channels, hidden);
        encoder = new SiglipEncoder(layers, hidden, heads, mlp, normEps);
        post_layernorm = nn.LayerNorm(hidden, normEps);
        Channels = channels;
        Image = image;
        RegisterComponents();
    }

    /// <summary>Creates the ViT from the preset's vision section.</summary>
    /// <param name="config">Vision sizes; <see cref="VisionConfig.Kind"/> is not consulted.</param>
    /// <exception cref="System.ArgumentException">The config breaks a rule of <see cref="VisionConfig.Validate"/>.</exception>
    public SiglipVisionTransformer(VisionConfig config)
        : this(Checked(config).Image, config.Patch, config.Channels, config.Hidden, config.Layers, config.Heads, config.Mlp, config.NormEps)
    {
    }

    /// <summary>Input channels C.</summary>
    public long Channels { get; }

    /// <summary>Input side H = W in pixels.</summary>
    public int Image { get; }

    /// <summary>Frames (B, T, C, H, W) → patch tokens (B, T, N, D).</summary>
    /// <exception cref="System.ArgumentException">The input is not 5-D or its frames have the wrong size.</exception>
    public override Tensor forward(Tensor frames)
    {
        if (frames.ndim != 5 || frames.shape[2] != Channels || frames.shape[3] != Image || frames.shape[4] != Image) {
            throw new System.ArgumentException(
                $"frames {BlockChecks.Format(frames.shape)} must be (B, T, {Channels}, {Image}, {Image})", nameof(frames));
        }
        using var scope = NewDisposeScope();
        long batch = frames.shape[0], time = frames.shape[1];
        var images = frames.reshape(batch * time, frames.shape[2], frames.shape[3], frames.shape[4]); // [B·T, C, H, W]
        var tokens = post_layernorm.call(encoder.call(embeddings.call(images)));                       // [B·T, N, D]
        return tokens.view(batch, time, TokensPerFrame, Hidden).MoveToOuterDisposeScope();          // [B, T, N, D]
    }

    private static int PatchGridOf(int image, int patch)
    {
        BlockChecks.Divisible(image, "image", patch, "patch");
        return image / patch;
    }

    private static VisionConfig Checked(VisionConfig config)
    {
        System.ArgumentNullException.ThrowIfNull(config);
        ConfigRules.ThrowIfAny(config.Validate(), nameof(config));
        return config;
    }
}
