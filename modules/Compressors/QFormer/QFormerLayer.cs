using System;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// One BLIP-2 Q-Former layer (Li et al. 2023, arXiv:2301.12597; HF <c>Blip2QFormerLayer</c>), post-LN BERT:
/// <list type="number">
/// <item>self-attention over [queries; text] (bidirectional), a = LN(W_o·SA + x);</item>
/// <item>in cross-attention layers, for the query slice only: a_q = LN(W_o·CA(q = a_q, kv = features) + a_q);</item>
/// <item>the queries' own FFN: y_q = LN(W₂·GELU(W₁·a_q) + a_q) (<c>intermediate_query</c>/<c>output_query</c>);
/// text positions, when present, use the BERT FFN (<c>intermediate</c>/<c>output</c>).</item>
/// </list>
/// hidden (B, Q + L, H) with the Q queries first, features (B, S, W), self-attention key mask (B, 1, 1, Q + L) or
/// null → (B, Q + L, H).
/// Keys: <c>attention.*</c>, <c>crossattention.*</c> (cross layers), <c>intermediate_query.dense</c>,
/// <c>output_query.{dense,LayerNorm}</c>, and with text input <c>intermediate.dense</c>, <c>output.{dense,LayerNorm}</c>.
/// </summary>
public sealed class QFormerLayer : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly QFormerAttention attention;
    private readonly QFormerAttention? crossattention;
    private readonly QFormerIntermediate intermediate_query;
    private readonly QFormerOutput output_query;
    private readonly QFormerIntermediate? intermediate;
    private readonly QFormerOutput? output;

    private readonly int _queries;

    /// <summary>Creates the layer.</summary>
    /// <param name="hidden">Width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">FFN inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="encoderWidth">Width W of the features the cross-attention reads (the vision width).</param>
    /// <param name="queries">Learned queries Q at the front of the hidden states; only they cross-attend.</param>
    /// <param name="hasCrossAttention">Whether this layer cross-attends to the features.</param>
    /// <param name="hasTextInput">Whether text tokens may follow the queries (InstructBLIP / LLaMA-VID); adds the text FFN.</param>
    /// <exception cref="ArgumentException">A size is invalid.</exception>
    public QFormerLayer(long hidden, long heads, long mlp, double normEps, long encoderWidth, int queries, bool hasCrossAttention, bool hasTextInput)
        : base(nameof(QFormerLayer))
    {
        BlockChecks.Positive(queries, "queries");
        _queries = queries;
        attention = new QFormerAttention(hidden, heads, hidden, normEps);
        crossattention = hasCrossAttention ? new QFormerAttention(hidden, heads, encoderWidth, normEps) : null;
        intermediate_query = new QFormerIntermediate(hidden, mlp);
        output_query = new QFormerOutput(mlp, hidden, normEps);
        intermediate = hasTextInput ? new QFormerIntermediate(hidden, mlp) : null;
        output = hasTextInput ? new QFormerOutput(mlp, hidden, normEps) : null;
        RegisterComponents();
    }

    /// <summary>Whether this layer cross-attends to the features.</summary>
    public bool HasCrossAttention => crossattention is not null;

    /// <summary>
    /// hidden (B, Q + L, H), features (B, S, W), mask (bool (B, 1, 1, Q + L), true = a real key; padded text
    /// positions false) or null → (B, Q + L, H). The mask applies to the self-attention only: the features have
    /// no padding.
    /// </summary>
    /// <exception cref="ArgumentException">Text tokens were given to a layer built without text input.</exception>
    public override Tensor forward(Tensor hidden, Tensor features, Tensor? mask)
    {
        long length = hidden.shape[1], textLength = length - _queries;
        if (textLength > 0 && intermediate is null) {
            throw new ArgumentException(
                $"hidden has {length} positions but the layer was built for {_queries} queries without text input", nameof(hidden));
        }
        using var scope = NewDisposeScope();
        var attended = attention.call(hidden, hidden, mask);                            // [B, Q+L, H]
        var queries = attended.narrow(1, 0, _queries);                             // [B, Q, H]
        if (crossattention is not null) {
            queries = crossattention.call(queries, features, null);                    // [B, Q, H]
        }
        var result = output_query.call(intermediate_query.call(queries), queries); // [B, Q, H]
        if (textLength > 0) {
            var text = attended.narrow(1, _queries, textLength);                   // [B, L, H]
            var textOut = output!.call(intermediate!.call(text), text);            // [B, L, H]
            result = torch.cat(new[] { result, textOut }, 1);                      // [B, Q+L, H]
        }
        return result.MoveToOuterDisposeScope();
    }
}
