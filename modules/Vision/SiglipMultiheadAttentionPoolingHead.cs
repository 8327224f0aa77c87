using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP's attention-pooling head (Zhai et al. 2023, arXiv:2303.15343; HF <c>SiglipMultiheadAttentionPoolingHead</c>,
/// the MAP head of a <c>SiglipVisionModel</c> with <c>vision_use_head</c>): one learned probe attends to all patch
/// tokens through a PyTorch-style <c>nn.MultiheadAttention</c> (packed q/k/v projection), then a pre-LN GELU MLP
/// residual. Tokens (B, N, D) → one pooled vector per image (B, D).
/// Keys: <c>probe</c> (1, 1, D), <c>attention.{in_proj_weight (3D, D), in_proj_bias (3D), out_proj.{weight,bias}}</c>,
/// <c>layernorm.{weight,bias}</c>, <c>mlp.{fc1,fc2}</c>.
/// </summary>
public sealed class SiglipMultiheadAttentionPoolingHead : nn.Module<Tensor, Tensor>
{
    private readonly Parameter probe;
    private readonly SiglipPoolingAttention attention;
    private readonly LayerNorm layernorm;
    private readonly GeluMlp mlp;
    /// <summary>Token width.</summary>
    public long Hidden { get; }


    /// <summary>Creates the head.</summary>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">MLP inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public SiglipMultiheadAttentionPoolingHead(long hidden, long heads, long mlp, double normEps) : base(nameof(SiglipMultiheadAttentionPoolingHead))
    {
        BlockChecks.Positive(mlp, "mlp");
        Hidden = hidden;
        probe = nn.Parameter(torch.randn(1, 1, hidden));
        attention = new SiglipPoolingAttention(hidden, heads);
        layernorm = nn.LayerNorm(hidden, normEps);
        this.mlp = new GeluMlp(hidden, mlp);
        RegisterComponents();
    }

    /// <summary>Tokens (B, N, D) → pooled (B, D).</summary>
    public override Tensor forward(Tensor tokens)
    {
        BlockChecks.Tokens(tokens, Hidden, nameof(tokens));
        using var scope = NewDisposeScope();
        var query = probe.expand(tokens.shape[0], 1, Hidden);   // [B, 1, D]
        var pooled = attention.call(query, tokens);               // [B, 1, D]
        pooled = pooled.add(mlp.call(layernorm.call(pooled)));
        return pooled.select(1, 0).MoveToOuterDisposeScope();     // [B, D]
    }
}
