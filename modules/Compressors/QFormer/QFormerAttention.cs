namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// A Q-Former attention sub-layer with its post-LN residual (HF <c>Blip2QFormerAttention</c>):
/// y = LayerNorm(W_o·Attn(q = x, kv = source) + x). Used as self-attention (source = x) and as
/// cross-attention to the frame features. x (B, Sq, H), source (B, Sk, W), key mask (B, 1, 1, Sk) or null → (B, Sq, H).
/// Keys: <c>attention.{query,key,value}</c>, <c>output.{dense,LayerNorm}</c>.
/// </summary>
public sealed class QFormerAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly QFormerMultiHeadAttention attention;
    private readonly QFormerOutput output;

    /// <summary>Creates the sub-layer.</summary>
    /// <param name="hidden">Width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="sourceWidth">Width W of the keys' source (H for self-attention).</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerAttention(long hidden, long heads, long sourceWidth, double normEps) : base(nameof(QFormerAttention))
    {
        attention = new QFormerMultiHeadAttention(hidden, heads, sourceWidth);
        output = new QFormerOutput(hidden, hidden, normEps);
        RegisterComponents();
    }

    /// <summary>x (B, Sq, H), source (B, Sk, W), key mask (B, 1, 1, Sk) or null → (B, Sq, H).</summary>
    public override Tensor forward(Tensor x, Tensor source, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        return output.call(attention.call(x, source, mask), x).MoveToOuterDisposeScope();
    }
}
