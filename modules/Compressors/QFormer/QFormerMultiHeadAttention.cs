using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// BERT-style multi-head attention of the BLIP-2 Q-Former (HF <c>Blip2QFormerMultiHeadAttention</c>):
/// queries from the hidden states, keys and values from a context — the hidden states themselves
/// (self-attention) or encoder features of another width (cross-attention). No positions; an optional boolean
/// key mask (BERT's <c>attention_mask</c>) keeps padded keys out.
/// hidden (B, Sq, H), context (B, Sk, W), mask (B, 1, 1, Sk) or null → (B, Sq, H) (before the output projection).
/// Keys: <c>query</c> (H → H), <c>key</c>, <c>value</c> (W → H), all with bias.
/// </summary>
public sealed class QFormerMultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;

    private readonly int _heads;
    private readonly int _hidden;
    private readonly int _contextWidth;

    /// <summary>Creates the attention.</summary>
    /// <param name="hidden">Width H of the hidden states; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="contextWidth">Width W of the keys' source (H for self-attention, the encoder width for cross-attention).</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerMultiHeadAttention(int hidden, int heads, int contextWidth) : base(nameof(QFormerMultiHeadAttention))
    {
        BlockChecks.Divisible(hidden, "hidden", heads, "heads");
        BlockChecks.Positive(contextWidth, "contextWidth");
        _heads = heads;
        _hidden = hidden;
        _contextWidth = contextWidth;
        query = nn.Linear(hidden, hidden);
        key = nn.Linear(contextWidth, hidden);
        value = nn.Linear(contextWidth, hidden);
        RegisterComponents();
    }

    /// <summary>hidden (B, Sq, H), context (B, Sk, W), mask (bool, broadcastable to (B, h, Sq, Sk), true = attend) or null → (B, Sq, H).</summary>
    public override Tensor forward(Tensor hidden, Tensor context, Tensor? mask)
    {
        BlockChecks.Tokens(hidden, _hidden, nameof(hidden));
        BlockChecks.Tokens(context, _contextWidth, nameof(context));
        BlockChecks.SameBatch(hidden, nameof(hidden), context, nameof(context));
        using var scope = NewDisposeScope();
        var q = MultiHead.Split(query.call(hidden), _heads);   // [b, h, sq, d]
        var k = MultiHead.Split(key.call(context), _heads);    // [b, h, sk, d]
        var v = MultiHead.Split(value.call(context), _heads);  // [b, h, sk, d]
        return MultiHead.Merge(ScaledDotProductAttention.Compute(q, k, v, mask)).MoveToOuterDisposeScope(); // [b, sq, h·d]
    }
}
