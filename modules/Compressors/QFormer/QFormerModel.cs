using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The Q-Former body (HF <c>Blip2QFormerModel</c>): LayerNorm over the query (and text) embeddings, then
/// the layer stack; returns the query positions. embeddings (B, Q + L, H) with the Q query embeddings first,
/// features (B, S, W), text padding (B, L) or null → query outputs (B, Q, H). Padded text positions are hidden
/// from the self-attention (BERT's <c>attention_mask</c> over [queries; text]), so they change no query output.
/// Keys: <c>layernorm</c>, <c>encoder.layer.{i}.*</c>.
/// </summary>
public sealed class QFormerModel : nn.Module<Tensor, Tensor, Tensor?, Tensor>
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
    public QFormerModel(int layers, long hidden, long heads, long mlp, double normEps, long encoderWidth, int queries, int crossEvery, bool hasTextInput)
        : base(nameof(QFormerModel))
    {
        BlockChecks.Epsilon(normEps, "normEps");
        _queries = queries;
        layernorm = nn.LayerNorm(hidden, normEps);
        encoder = new QFormerEncoder(layers, hidden, heads, mlp, normEps, encoderWidth, queries, crossEvery, hasTextInput);
        RegisterComponents();
    }

    /// <summary>Indices of the layers that cross-attend to the features.</summary>
    public System.Collections.Generic.IReadOnlyList<int> CrossAttentionLayers => encoder.CrossAttentionLayers;

    /// <summary>
    /// embeddings (B, Q + L, H), features (B, S, W), text padding (B, L) (true/1 = a real text token) or null
    /// (every position real) → query outputs (B, Q, H).
    /// </summary>
    /// <exception cref="System.ArgumentException">A padding mask that is not (B, L).</exception>
    public override Tensor forward(Tensor embeddings, Tensor features, Tensor? textPadding)
    {
        using var scope = NewDisposeScope();
        var mask = KeyMask(embeddings, textPadding);                            // [B, 1, 1, Q+L] or null
        var hidden = encoder.call(layernorm.call(embeddings), features, mask); // [B, Q+L, H]
        return hidden.narrow(1, 0, _queries).MoveToOuterDisposeScope();   // [B, Q, H]
    }

    // [queries (always real); text padding] as a key mask, or null when there is no text or no padding.
    private Tensor? KeyMask(Tensor embeddings, Tensor? textPadding)
    {
        long batch = embeddings.shape[0], text = embeddings.shape[1] - _queries;
        if (textPadding is null || text == 0) {
            return null;
        }
        if (textPadding.shape.Length != 2 || textPadding.shape[0] != batch || textPadding.shape[1] != text) {
            throw new System.ArgumentException(
                $"{GetName()}: text padding {BlockChecks.Format(textPadding.shape)} must be (B = {batch}, L = {text})", nameof(textPadding));
        }
        var queries = torch.ones(new[] { batch, (long)_queries }, ScalarType.Bool, textPadding.device); // [B, Q]
        return AttentionMasks.KeyPadding(torch.cat(new[] { queries, textPadding.to(ScalarType.Bool) }, 1)); // [B, 1, 1, Q+L]
    }
}
