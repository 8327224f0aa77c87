using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP-style ViT for video (Zhai et al. 2023, arXiv:2303.15343; HF <c>SiglipVisionTransformer</c>
/// without the attention-pooling head, as LLaVA-OneVision and CrossLMM use it): every frame is encoded on
/// its own — frames are folded into the batch — into N = (image/patch)² patch tokens of width D.
/// Frames (B, T, C, H, W) → per-frame patch tokens (B, T, N, D).
/// Keys: <c>embeddings.{patch_embedding,position_embedding}</c>,
/// <c>encoder.layers.{i}.{layer_norm1,self_attn.{q,k,v,out}_proj,layer_norm2,mlp.{fc1,fc2}}</c>,
/// <c>post_layernorm</c>, and <c>head.*</c> with the attention-pooling head (<see cref="SiglipMultiheadAttentionPoolingHead"/>).
/// <para>Output: by default HF's <c>last_hidden_state</c> (after <c>post_layernorm</c>); with a feature layer k, HF's
/// <c>hidden_states[k]</c> (Python indexing over the L + 1 states, so −1 is the last block's output <i>before</i>
/// <c>post_layernorm</c>), as LLaVA-OneVision's <c>vision_feature_layer</c> selects it. Blocks after k and
/// <c>post_layernorm</c> are kept (their weights are in the checkpoint) but do not run.</para>
/// <para>Hugging Face keys (<see cref="HfKeys"/>): this block is HF's <c>SiglipVisionModel</c>, whose keys sit under
/// <c>vision_model.</c>.</para>
/// </summary>
[BlockFor(VisionKind.Vit)]
public sealed class SiglipVisionTransformer : VisionEncoder, IHfKeyMapped, IVisionCost
{
    private readonly SiglipVisionEmbeddings embeddings;
    private readonly SiglipEncoder encoder;
    private readonly LayerNorm post_layernorm;
    private readonly SiglipMultiheadAttentionPoolingHead? head;
    private readonly int? _featureLayer;

    /// <summary>Creates the ViT from explicit sizes.</summary>
    /// <param name="image">Input side in pixels; divisible by <paramref name="patch"/>.</param>
    /// <param name="patch">Patch side in pixels.</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Encoder blocks.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">MLP inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="featureLayer">HF's <c>vision_feature_layer</c>: output <c>hidden_states[k]</c>, k in [−(layers + 1), layers],
    /// instead of the post-layernorm output; null (default) = <c>last_hidden_state</c>.</param>
    /// <param name="poolingHead">Add the attention-pooling head (HF's <c>vision_use_head</c>; key <c>head</c>).</param>
    /// <exception cref="System.ArgumentException">A size is invalid; the message quotes it.</exception>
    public SiglipVisionTransformer(int image, int patch, long channels, long hidden, int layers, long heads, long mlp, double normEps,
        int? featureLayer = null, bool poolingHead = false)
        : base(nameof(SiglipVisionTransformer), PatchGridOf(image, patch), hidden)
    {
        if (featureLayer is int k && (k < -(layers + 1) || k > layers)) {
            throw new System.ArgumentException(ConfigRules.OutOfRange(nameof(featureLayer), k, $"[{-(layers + 1)}, {layers}] (hidden_states of {layers} blocks)"), nameof(featureLayer));
        }
        embeddings = new SiglipVisionEmbeddings(image, patch, channels, hidden);
        encoder = new SiglipEncoder(layers, hidden, heads, mlp, normEps);
        post_layernorm = nn.LayerNorm(hidden, normEps);
        head = poolingHead ? new SiglipMultiheadAttentionPoolingHead(hidden, heads, mlp, normEps) : null;
        _featureLayer = featureLayer;
        Channels = channels;
        Image = image;
        RegisterComponents();
    }

    /// <summary>This block is HF's <c>SiglipVisionModel</c>: every key under <c>vision_model.</c>.</summary>
    public HfKeyMap HfKeys { get; } = new("SiglipVisionModel", new HfKeyRule("", "vision_model."));

    /// <summary>HF's <c>vision_feature_layer</c> this tower outputs, or null for the post-layernorm output.</summary>
    public int? FeatureLayer => _featureLayer;

    /// <summary>Whether the attention-pooling head is present.</summary>
    public bool HasPoolingHead => head is not null;

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
        var embedded = embeddings.call(images);                                                       // [B·T, N, D]
        var tokens = _featureLayer is int k
            ? encoder.ForwardFirst(embedded, k < 0 ? encoder.Count + 1 + k : k)                        // hidden_states[k]
            : post_layernorm.call(encoder.call(embedded));                                             // last_hidden_state
        return tokens.view(batch, time, TokensPerFrame, Hidden).MoveToOuterDisposeScope();          // [B, T, N, D]
    }

    /// <summary>
    /// HF's <c>pooler_output</c> per frame: the attention-pooling head over post-layernorm tokens (B, T, N, D) → (B, T, D).
    /// </summary>
    /// <param name="tokens">This tower's output without a feature layer.</param>
    /// <exception cref="System.InvalidOperationException">No head, or a tower that outputs a feature layer.</exception>
    public Tensor Pool(Tensor tokens)
    {
        if (head is null || _featureLayer is not null) {
            throw new System.InvalidOperationException(head is null
                ? "this SigLIP tower has no pooling head (vision_use_head is false)"
                : "pooling needs the post-layernorm output; this tower outputs a feature layer");
        }
        BlockChecks.Rank(tokens, 4, nameof(tokens), "(B, T, N, D)");
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], time = tokens.shape[1];
        var pooled = head.call(tokens.reshape(batch * time, tokens.shape[2], tokens.shape[3]));      // [B·T, D]
        return pooled.view(batch, time, Hidden).MoveToOuterDisposeScope();                           // [B, T, D]
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

    /// <summary>FLOPs per frame: patch conv 2·N·D·C·p²; per layer q/k/v/out 8·N·D², QKᵀ and AV 2·N²·D each, MLP 4·N·D·mlp.</summary>
    /// <param name="vision">The vision sizes.</param>
    /// <param name="images">Frames encoded (B·T).</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(VisionConfig vision, long images, CostComponent component)
    {
        System.ArgumentNullException.ThrowIfNull(vision);
        checked
        {
            long n = vision.TokensPerFrame, d = vision.Hidden;
            long conv = 2 * images * n * d * vision.Channels * vision.Patch * vision.Patch;
            long linear = vision.Layers * images * (VisualBlockFlops.Linear(n, d, d) * 4 + VisualBlockFlops.Linear(n, d, vision.Mlp) * 2);
            long matmul = vision.Layers * images * VisualBlockFlops.Attention(n, n, d);
            return FlopBreakdown.Of(component, OpKind.Conv, conv)
                + FlopBreakdown.Of(component, OpKind.Linear, linear)
                + FlopBreakdown.Of(component, OpKind.Matmul, matmul);
        }
    }

    /// <summary>Parameters: patch conv D·C·p² + D, positions N·D, per layer two LayerNorms 4D, q/k/v/out 4(D² + D), MLP 2·D·mlp + mlp + D, post-LayerNorm 2D.</summary>
    /// <param name="vision">The vision sizes.</param>
    public static ParameterCounts Parameters(VisionConfig vision)
    {
        System.ArgumentNullException.ThrowIfNull(vision);
        checked
        {
            long d = vision.Hidden, mlp = vision.Mlp;
            long embeddings = d * vision.Channels * vision.Patch * vision.Patch + d + vision.TokensPerFrame * d;
            long layer = 4 * d + 4 * BlockParameters.Linear(d, d) + BlockParameters.Linear(d, mlp) + BlockParameters.Linear(mlp, d);
            return ParameterCounts.Of(CostComponent.Vision, embeddings + vision.Layers * layer + 2 * d);
        }
    }
}
