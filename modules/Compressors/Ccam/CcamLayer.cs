using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// One pre-LN layer of the CCAM projector (Video-CCAM, Fei et al. 2024, arXiv:2408.14023):
/// x ← x + CrossAttn(LN(x), LN(source), causal mask); x ← x + FFN(LN(x)). There is no self-attention among
/// the queries: it would let a query read a later-horizon query and so leak frames past its own horizon.
/// queries (B, Q, H), source (B, S, D), allowed (Q, S) → (B, Q, H).
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
    /// <summary>Token width.</summary>
    public long Hidden { get; }

    private readonly long _sourceWidth;

    /// <summary>Creates the layer.</summary>
    /// <param name="hidden">Query width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">Feed-forward inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="sourceWidth">Feature width D.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public CcamLayer(long hidden, long heads, long mlp, double normEps, long sourceWidth) : base(nameof(CcamLayer))
    {
        BlockChecks.Epsilon(normEps, "normEps");
        Hidden = hidden;
        _sourceWidth = sourceWidth;
        norm_queries = nn.LayerNorm(hidden, normEps);
        norm_media = nn.LayerNorm(sourceWidth, normEps);
        cross_attn = new CrossAttention(hidden, heads, sourceWidth, bias: true);
        norm_mlp = nn.LayerNorm(hidden, normEps);
        this.mlp = new GeluMlp(hidden, mlp, approximate: "none");
        RegisterComponents();
    }

    /// <summary>queries (B, Q, H), source (B, S, D), allowed (Q, S) → (B, Q, H).</summary>
    public override Tensor forward(Tensor queries, Tensor source, Tensor allowed)
    {
        BlockChecks.Tokens(queries, Hidden, nameof(queries));
        BlockChecks.Tokens(source, _sourceWidth, nameof(source));
        BlockChecks.SameBatch(queries, nameof(queries), source, nameof(source));
        using var scope = NewDisposeScope();
        var x = queries.add(cross_attn.call(norm_queries.call(queries), norm_media.call(source), allowed, null));
        return x.add(mlp.call(norm_mlp.call(x))).MoveToOuterDisposeScope();
    }
}
