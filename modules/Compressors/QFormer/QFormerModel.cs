using CrossLMM.Zoo.Modules.Vision;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The Q-Former body (HF <c>Blip2QFormerModel</c>): LayerNorm over the query (and text) embeddings, then
/// the layer stack; returns the query positions. embeddings (B, Q + L, H) with the Q query embeddings first,
/// features (B, S, W) → query outputs (B, Q, H). Keys: <c>layernorm</c>, <c>encoder.layer.{i}.*</c>.
/// </summary>
public sealed class QFormerModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm layernorm;
    private readonly QFormerEncoder encoder;

    private readonly int _queries;

    /// <summary>Creates the body.</summary>
    /// <param name="layers">Number of layers.</param>
    /// <param name="hidden">Width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">FFN inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="encoderWidth">Width W of the features.</param>
    /// <param name="queries">Learned queries Q.</param>
    /// <param name="crossEvery">Cross-attention in layers 0, k, 2k, … for k = this.</param>
    /// <param name="hasTextInput">Whether text embeddings may follow the queries.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerModel(int layers, int hidden, int heads, int mlp, double normEps, int encoderWidth, int queries, int crossEvery, bool hasTextInput)
        : base(nameof(QFormerModel))
    {
        BlockArguments.Epsilon(normEps, "normEps");
        _queries = queries;
        layernorm = nn.LayerNorm(hidden, normEps);
        encoder = new QFormerEncoder(layers, hidden, heads, mlp, normEps, encoderWidth, queries, crossEvery, hasTextInput);
        RegisterComponents();
    }

    /// <summary>Indices of the layers that cross-attend to the features.</summary>
    public System.Collections.Generic.IReadOnlyList<int> CrossAttentionLayers => encoder.CrossAttentionLayers;

    /// <summary>embeddings (B, Q + L, H), features (B, S, W) → query outputs (B, Q, H).</summary>
    public override Tensor forward(Tensor embeddings, Tensor features)
    {
        using var scope = NewDisposeScope();
        var hidden = encoder.call(layernorm.call(embeddings), features); // [b, q+l, h]
        return hidden.narrow(1, 0, _queries).MoveToOuterDisposeScope();   // [b, q, h]
    }
}
