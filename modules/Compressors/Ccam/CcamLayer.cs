using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// One pre-LN layer of the CCAM projector (Video-CCAM, Fei et al. 2024, arXiv:2408.14023):
/// x ← x + CrossAttn(LN(x), LN(media), causal mask); x ← x + FFN(LN(x)). There is no self-attention among
/// the queries: it would let a query read a later-horizon query and so leak frames past its own horizon.
/// queries (B, Q, H), media (B, S, D), allowed (Q, S) → (B, Q, H).
/// Keys: <c>norm_queries</c>, <c>norm_media</c> (over D), <c>cross_attn.{q,k,v}_proj</c> (with bias) and
/// <c>cross_attn.o_proj</c> (Core's <see cref="CrossAttention"/>), <c>norm_mlp</c>, <c>mlp.{fc1,fc2}</c> (Core's
/// <see cref="GeluMlp"/>, exact GELU).
/// </summary>
public sealed class CcamLayer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm_queries;
    private readonly LayerNorm norm_media;
    private readonly CrossAttention cross_attn;
    private readonly LayerNorm norm_mlp;
    private readonly GeluMlp mlp;
    private readonly int _hidden;
    private readonly int _mediaWidth;

    /// <summary>Creates the layer.</summary>
    /// <param name="hidden">Query width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">Feed-forward inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="mediaWidth">Feature width D.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public CcamLayer(int hidden, int heads, int mlp, double normEps, int mediaWidth) : base(nameof(CcamLayer))
    {
        BlockChecks.Epsilon(normEps, "normEps");
        _hidden = hidden;
        _mediaWidth = mediaWidth;
        norm_queries = nn.LayerNorm(hidden, normEps);
        norm_media = nn.LayerNorm(mediaWidth, normEps);
        cross_attn = new CrossAttention(hidden, heads, mediaWidth, bias: true);
        norm_mlp = nn.LayerNorm(hidden, normEps);
        this.mlp = new GeluMlp(hidden, mlp, approximate: "none");
        RegisterComponents();
    }

    /// <summary>queries (B, Q, H), media (B, S, D), allowed (Q, S) → (B, Q, H).</summary>
    public override Tensor forward(Tensor queries, Tensor media, Tensor allowed)
    {
        BlockChecks.Tokens(queries, _hidden, nameof(queries));
        BlockChecks.Tokens(media, _mediaWidth, nameof(media));
        BlockChecks.SameBatch(queries, nameof(queries), media, nameof(media));
        using var scope = NewDisposeScope();
        var x = queries.add(cross_attn.call(norm_queries.call(queries), norm_media.call(media), allowed, null));
        return x.add(mlp.call(norm_mlp.call(x))).MoveToOuterDisposeScope();
    }
}
