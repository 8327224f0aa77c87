using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// The attention of SigLIP's pooling head, laid out as PyTorch's <c>nn.MultiheadAttention</c> (batch first, no
/// dropout) so that HF checkpoints load by name: one packed (3D, D) input projection split into q, k, v rows, then
/// <c>out_proj</c>. Queries (B, Q, D) attend to the source tokens (B, M, D) → (B, Q, D).
/// Keys: <c>in_proj_weight</c> (3D, D), <c>in_proj_bias</c> (3D), <c>out_proj.{weight,bias}</c>.
/// </summary>
public sealed class SiglipPoolingAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    /// <summary>Token width.</summary>
    public long Hidden { get; }

    /// <summary>Attention heads h.</summary>
    public long Heads { get; }


    /// <summary>Creates the attention with PyTorch's initialisation (Xavier-uniform packed weight, zero biases).</summary>
    /// <param name="hidden">Width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Heads.</param>
    /// <exception cref="System.ArgumentException">hidden is not a positive multiple of heads.</exception>
    public SiglipPoolingAttention(long hidden, long heads) : base(nameof(SiglipPoolingAttention))
    {
        BlockChecks.Divisible(hidden, "hidden", heads, "heads");
        Hidden = hidden;
        Heads = heads;
        in_proj_weight = nn.Parameter(nn.init.xavier_uniform_(torch.empty(3L * hidden, hidden)));
        in_proj_bias = nn.Parameter(torch.zeros(3L * hidden));
        out_proj = nn.Linear(hidden, hidden);
        RegisterComponents();
    }

    /// <summary>Queries (B, Q, D) and source tokens (B, M, D) → (B, Q, D).</summary>
    public override Tensor forward(Tensor queries, Tensor source)
    {
        BlockChecks.Tokens(queries, Hidden, nameof(queries));
        BlockChecks.Tokens(source, Hidden, nameof(source));
        using var scope = NewDisposeScope();
        var weights = in_proj_weight.chunk(3, 0);   // 3 × [D, D]
        var biases = in_proj_bias.chunk(3, 0);      // 3 × [D]
        var q = MultiHead.Split(nn.functional.linear(queries, weights[0], biases[0]), Heads);   // [B, h, Q, d]
        var k = MultiHead.Split(nn.functional.linear(source, weights[1], biases[1]), Heads);    // [B, h, M, d]
        var v = MultiHead.Split(nn.functional.linear(source, weights[2], biases[2]), Heads);    // [B, h, M, d]
        var attended = MultiHead.Merge(ScaledDotProductAttention.Compute(q, k, v));           // [B, Q, h·d]
        return out_proj.call(attended).MoveToOuterDisposeScope();
    }
}
