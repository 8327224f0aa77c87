namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// The parts of a video LMM that the cost model accounts separately. Each one is a set of modules of the
/// composed model (see <see cref="ModuleCostMap"/> for the exact mapping from module types to components),
/// so the analytic counts can be checked component by component against the FLOP hook's per-module
/// attribution. Some components only ever carry parameters (<see cref="Embeddings"/>, <see cref="Norms"/>,
/// <see cref="FusionNorms"/>: lookups and normalisations are not matrix products) and one only FLOPs
/// (<see cref="AttentionScores"/>).
/// </summary>
public enum CostComponent
{
    /// <summary>The vision encoder (SigLIP ViT: patch convolution, attention projections and scores, MLP, norms, positions).</summary>
    Vision,

    /// <summary>The compressor (pooling kinds have no cost; Q-Former, Perceiver, CCAM, LLaMA-VID do).</summary>
    Compressor,

    /// <summary>The model's projector to the LLM width (applied to the compressor output, and to sources in the same feature space).</summary>
    Projector,

    /// <summary>The second projector (<c>source_projector</c>) for fusion sources in another feature space.</summary>
    SourceProjector,

    /// <summary>The LLM's token embedding table (a lookup: parameters, no FLOPs).</summary>
    Embeddings,

    /// <summary>The LLM decoder layers' q/k/v/o projections.</summary>
    AttentionProjections,

    /// <summary>The LLM self-attention's QKᵀ and AV products.</summary>
    AttentionScores,

    /// <summary>The LLM decoder layers' SwiGLU MLPs (gate, up, down).</summary>
    Mlp,

    /// <summary>The LLM's RMSNorms (per layer and final; parameters only).</summary>
    Norms,

    /// <summary>Fusion blocks' key/value projections of the visual source (DCAL V2V/T2V, gated xattn, hybrid).</summary>
    FusionKeyValueProjections,

    /// <summary>Fusion blocks' query and output projections and their QKᵀ and AV products.</summary>
    FusionAttention,

    /// <summary>Fusion blocks' own feed-forward networks (the DCAL's SwiGLU, the gated xattn's GELU FFN).</summary>
    FusionFeedForward,

    /// <summary>Fusion gates: tanh(α) scalars and the slow-fast gate's Linear(H, 1).</summary>
    FusionGates,

    /// <summary>Fusion blocks' own norms (parameters only).</summary>
    FusionNorms,

    /// <summary>The LM head (untied Linear or the tied embedding matrix).</summary>
    LmHead,
}

/// <summary>
/// The matrix-product families a FLOP is counted under — the same families, in the same order, as the
/// engine's FLOP hook (<c>CrossLMM.Zoo.Engine.FlopKind</c>), which this project cannot reference because
/// it must also compile against TorchSharp.
/// </summary>
public enum OpKind
{
    /// <summary><c>matmul</c>/<c>mm</c>: attention scores QKᵀ and AV (inside scaled dot-product attention too).</summary>
    Matmul = 0,

    /// <summary><c>linear</c>: every <c>nn.Linear</c> (and the tied LM head's <c>F.linear</c>).</summary>
    Linear = 1,

    /// <summary><c>bmm</c>/<c>baddbmm</c>: no block of the zoo uses them; present to mirror the hook.</summary>
    Bmm = 2,

    /// <summary><c>conv</c>: the ViT's patch embedding.</summary>
    Conv = 3,
}

/// <summary>Where a component lives in the composed model.</summary>
public enum CostStage
{
    /// <summary>Before the LLM: vision encoder, compressor, projectors.</summary>
    Visual,

    /// <summary>The language model itself (embeddings, decoder layers, norms, LM head).</summary>
    Language,

    /// <summary>The fusion blocks inside the LLM.</summary>
    Fusion,
}

/// <summary>Helpers over <see cref="CostComponent"/>.</summary>
public static class CostComponents
{
    /// <summary>Every component, in declaration order (the order of tables and reports).</summary>
    public static System.Collections.Generic.IReadOnlyList<CostComponent> All { get; } =
        (CostComponent[])System.Enum.GetValues(typeof(CostComponent));

    /// <summary>Every op kind, in the hook's order.</summary>
    public static System.Collections.Generic.IReadOnlyList<OpKind> Kinds { get; } =
        (OpKind[])System.Enum.GetValues(typeof(OpKind));

    /// <summary>The stage a component belongs to.</summary>
    /// <param name="component">The component.</param>
    public static CostStage Stage(this CostComponent component) => component switch
    {
        CostComponent.Vision or CostComponent.Compressor or CostComponent.Projector or CostComponent.SourceProjector => CostStage.Visual,
        CostComponent.FusionKeyValueProjections or CostComponent.FusionAttention or CostComponent.FusionFeedForward
            or CostComponent.FusionGates or CostComponent.FusionNorms => CostStage.Fusion,
        _ => CostStage.Language,
    };

    /// <summary>A short column name (<c>vision</c>, <c>attn proj</c>, <c>fusion k/v</c>, ...).</summary>
    /// <param name="component">The component.</param>
    public static string ShortName(this CostComponent component) => component switch
    {
        CostComponent.Vision => "vision",
        CostComponent.Compressor => "compressor",
        CostComponent.Projector => "projector",
        CostComponent.SourceProjector => "source proj",
        CostComponent.Embeddings => "embeddings",
        CostComponent.AttentionProjections => "attn proj",
        CostComponent.AttentionScores => "attn scores",
        CostComponent.Mlp => "mlp",
        CostComponent.Norms => "norms",
        CostComponent.FusionKeyValueProjections => "fusion k/v",
        CostComponent.FusionAttention => "fusion attn",
        CostComponent.FusionFeedForward => "fusion ffn",
        CostComponent.FusionGates => "fusion gates",
        CostComponent.FusionNorms => "fusion norms",
        CostComponent.LmHead => "lm head",
        _ => component.ToString(),
    };
}
