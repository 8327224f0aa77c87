using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// BERT-style multi-head attention of the BLIP-2 Q-Former (HF <c>Blip2QFormerMultiHeadAttention</c>):
/// queries from the hidden states, keys and values from a source — the hidden states themselves
/// (self-attention) or encoder features of another width (cross-attention). No positions; an optional boolean
/// key mask (BERT's <c>attention_mask</c>) keeps padded keys out.
/// hidden (B, Sq, H), source (B, Sk, W), mask (B, 1, 1, Sk) or null → (B, Sq, H) (before the output projection).
/// Keys: <c>query</c> (H → H), <c>key</c>, <c>value</c> (W → H), all with bias.
/// </summary>
public sealed class QFormerMultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;

    /// <summary>Attention heads h.</summary>
    public long Heads { get; }

    /// <summary>Token width.</summary>
    public long Hidden { get; }

    private readonly long _sourceWidth;

    /// <summary>Creates the attention.</summary>
    /// <param name="hidden">Width H of the hidden states; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="sourceWidth">Width W of the keys' source (H for self-attention, the encoder width for cross-attention).</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerMultiHeadAttention(long hidden, long heads, long sourceWidth) : base(nameof(QFormerMultiHeadAttention))
    {
        BlockChecks.Divisible(hidden, "hidden", heads, "heads");
        BlockChecks.Positive(sourceWidth, "sourceWidth");
        Heads = heads;
        Hidden = hidden;
        _sourceWidth = sourceWidth;
        query = nn.Linear(hidden, hidden);
        key = nn.Linear(sourceWidth, hidden);
        value = nn.Linear(sourceWidth, hidden);
        RegisterComponents();
    }

    /// <summary>hidden (B, Sq, H), source (B, Sk, W), mask (bool, broadcastable to (B, h, Sq, Sk), true = attend) or null → (B, Sq, H).</summary>
    public override Tensor forward(Tensor hidden, Tensor source, Tensor? mask)
    {
        BlockChecks.Tokens(hidden, Hidden, nameof(hidden));
        BlockChecks.Tokens(source, _sourceWidth, nameof(source));
        BlockChecks.SameBatch(hidden, nameof(hidden), source, nameof(source));
        using var scope = NewDisposeScope();
        var q = MultiHead.Split(query.call(hidden), Heads);   // [B, h, S_q, d]
        var k = MultiHead.Split(key.call(source), Heads);    // [B, h, S_k, d]
        var v = MultiHead.Split(value.call(source), Heads);  // [B, h, S_k, d]
        return MultiHead.Merge(ScaledDotProductAttention.Compute(q, k, v, mask)).MoveToOuterDisposeScope(); // [B, S_q, h·d]
    }
}
