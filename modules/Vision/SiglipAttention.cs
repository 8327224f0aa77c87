using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP multi-head self-attention (HF <c>SiglipAttention</c>): bidirectional, no positions inside the
/// attention (they were added by the embedding). Tokens (B, S, D) → (B, S, D).
/// Keys: <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c> (each D → D with bias).
/// </summary>
public sealed class SiglipAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;

    /// <summary>Attention heads h.</summary>
    public long Heads { get; }

    /// <summary>Token width.</summary>
    public long Hidden { get; }


    /// <summary>Creates the attention.</summary>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <exception cref="System.ArgumentException">hidden is not a positive multiple of heads.</exception>
    public SiglipAttention(long hidden, long heads) : base(nameof(SiglipAttention))
    {
        BlockChecks.Divisible(hidden, "hidden", heads, "heads");
        Heads = heads;
        Hidden = hidden;
        q_proj = nn.Linear(hidden, hidden);
        k_proj = nn.Linear(hidden, hidden);
        v_proj = nn.Linear(hidden, hidden);
        out_proj = nn.Linear(hidden, hidden);
        RegisterComponents();
    }

    /// <summary>Tokens (B, S, D) → (B, S, D).</summary>
    public override Tensor forward(Tensor x)
    {
        BlockChecks.Tokens(x, Hidden, nameof(x));
        using var scope = NewDisposeScope();
        var q = MultiHead.Split(q_proj.call(x), Heads);       // [B, h, S, d]
        var k = MultiHead.Split(k_proj.call(x), Heads);       // [B, h, S, d]
        var v = MultiHead.Split(v_proj.call(x), Heads);       // [B, h, S, d]
        var attended = MultiHead.Merge(ScaledDotProductAttention.Compute(q, k, v)); // [B, S, h·d]
        return out_proj.call(attended).MoveToOuterDisposeScope();
    }
}
