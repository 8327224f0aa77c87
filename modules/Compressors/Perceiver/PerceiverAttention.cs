using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Perceiver-resampler attention of Flamingo (Alayrac et al. 2022, arXiv:2204.14198, §3.1.1 and App. A.1.1;
/// keys as OpenFlamingo's <c>PerceiverAttention</c>): the latents query the concatenation of the source and the
/// latents themselves, both layer-normed — Attn(q = LN(x), kv = [LN(source); LN(x)]). No positions, no bias.
/// source (B, S, H), latents (B, R, H) → (B, R, H) (the residual is added by the layer).
/// Keys: <c>norm_media</c>, <c>norm_latents</c>, <c>to_q</c> (H → H), <c>to_kv</c> (H → 2H), <c>to_out</c> (H → H).
/// </summary>
public sealed class PerceiverAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm_media;
    private readonly LayerNorm norm_latents;
    private readonly Linear to_q;
    private readonly Linear to_kv;
    private readonly Linear to_out;

    /// <summary>Attention heads h.</summary>
    public long Heads { get; }

    /// <summary>Token width.</summary>
    public long Hidden { get; }


    /// <summary>Creates the attention.</summary>
    /// <param name="hidden">Width H of source and latents; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads (head width H / heads).</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public PerceiverAttention(long hidden, long heads, double normEps) : base(nameof(PerceiverAttention))
    {
        BlockChecks.Divisible(hidden, "hidden", heads, "heads");
        BlockChecks.Epsilon(normEps, "normEps");
        Heads = heads;
        Hidden = hidden;
        norm_media = nn.LayerNorm(hidden, normEps);
        norm_latents = nn.LayerNorm(hidden, normEps);
        to_q = nn.Linear(hidden, hidden, hasBias: false);
        to_kv = nn.Linear(hidden, 2 * hidden, hasBias: false);
        to_out = nn.Linear(hidden, hidden, hasBias: false);
        RegisterComponents();
    }

    /// <summary>source (B, S, H), latents (B, R, H) → (B, R, H).</summary>
    public override Tensor forward(Tensor source, Tensor latents)
    {
        BlockChecks.Tokens(source, Hidden, nameof(source));
        BlockChecks.Tokens(latents, Hidden, nameof(latents));
        BlockChecks.SameBatch(source, nameof(source), latents, nameof(latents));
        using var scope = NewDisposeScope();
        var x = norm_media.call(source);                                    // [B, S, H]
        var l = norm_latents.call(latents);                                // [B, R, H]
        var q = MultiHead.Split(to_q.call(l), Heads);                     // [B, h, R, d]
        var kv = to_kv.call(torch.cat(new[] { x, l }, 1)).chunk(2, -1);    // 2 × [b, s+r, h]
        var k = MultiHead.Split(kv[0], Heads);                            // [B, h, S+R, d]
        var v = MultiHead.Split(kv[1], Heads);                            // [B, h, S+R, d]
        var attended = MultiHead.Merge(ScaledDotProductAttention.Compute(q, k, v)); // [B, R, H]
        return to_out.call(attended).MoveToOuterDisposeScope();
    }
}
