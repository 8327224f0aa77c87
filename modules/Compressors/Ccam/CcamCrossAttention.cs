using CrossLMM.Zoo.Modules.Vision;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Masked multi-head cross-attention of the CCAM projector: queries (width H) attend to frame features
/// (width D) under a boolean visibility mask. queries (B, Q, H), media (B, S, D), allowed (Q, S) with
/// true = may attend → (B, Q, H).
/// Keys: <c>q_proj</c> (H → H), <c>k_proj</c>, <c>v_proj</c> (D → H), all with bias; <c>o_proj</c> (H → H, no bias).
/// </summary>
public sealed class CcamCrossAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;

    private readonly int _heads;

    /// <summary>Creates the attention.</summary>
    /// <param name="hidden">Query width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mediaWidth">Feature width D.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public CcamCrossAttention(int hidden, int heads, int mediaWidth) : base(nameof(CcamCrossAttention))
    {
        BlockArguments.Divisible(hidden, "hidden", heads, "heads");
        BlockArguments.Positive(mediaWidth, "mediaWidth");
        _heads = heads;
        q_proj = nn.Linear(hidden, hidden);
        k_proj = nn.Linear(mediaWidth, hidden);
        v_proj = nn.Linear(mediaWidth, hidden);
        o_proj = nn.Linear(hidden, hidden, hasBias: false);
        RegisterComponents();
    }

    /// <summary>queries (B, Q, H), media (B, S, D), allowed (Q, S) → (B, Q, H).</summary>
    public override Tensor forward(Tensor queries, Tensor media, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        var q = MultiHead.Split(q_proj.call(queries), _heads);     // [b, h, q, d]
        var k = MultiHead.Split(k_proj.call(media), _heads);       // [b, h, s, d]
        var v = MultiHead.Split(v_proj.call(media), _heads);       // [b, h, s, d]
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, allowed); // [b, h, q, d]
        return o_proj.call(MultiHead.Merge(attended)).MoveToOuterDisposeScope();    // [b, q, h]
    }
}
