using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// One pre-LN SigLIP encoder block (HF <c>SiglipEncoderLayer</c>):
/// x ← x + SelfAttn(LN₁(x)); x ← x + MLP(LN₂(x)). Tokens (B, S, D) → (B, S, D).
/// Keys: <c>layer_norm1</c>, <c>self_attn.*</c>, <c>layer_norm2</c>, <c>mlp.{fc1,fc2}</c> (Core's <see cref="GeluMlp"/>
/// with the tanh approximation, HF <c>SiglipMLP</c>).
/// </summary>
public sealed class SiglipEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm layer_norm1;
    private readonly SiglipAttention self_attn;
    private readonly LayerNorm layer_norm2;
    private readonly GeluMlp mlp;
    /// <summary>Token width.</summary>
    public long Hidden { get; }


    /// <summary>Creates the block.</summary>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">MLP inner width.</param>
    /// <param name="normEps">LayerNorm epsilon (1e-6 for SigLIP).</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public SiglipEncoderLayer(long hidden, long heads, long mlp, double normEps) : base(nameof(SiglipEncoderLayer))
    {
        BlockChecks.Epsilon(normEps, "normEps");
        Hidden = hidden;
        layer_norm1 = nn.LayerNorm(hidden, normEps);
        self_attn = new SiglipAttention(hidden, heads);
        layer_norm2 = nn.LayerNorm(hidden, normEps);
        this.mlp = new GeluMlp(hidden, mlp, approximate: "tanh"); // SigLIP's gelu_pytorch_tanh
        RegisterComponents();
    }

    /// <summary>Tokens (B, S, D) → (B, S, D).</summary>
    public override Tensor forward(Tensor x)
    {
        BlockChecks.Tokens(x, Hidden, nameof(x));
        using var scope = NewDisposeScope();
        var h = x.add(self_attn.call(layer_norm1.call(x)));
        return h.add(mlp.call(layer_norm2.call(h))).MoveToOuterDisposeScope();
    }
}
