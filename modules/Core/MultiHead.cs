namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The multi-head reshapes every attention block shares (the ViT, the learned-query compressors, the
/// decoder's self- and cross-attentions): split a projection into heads before the attention and merge the
/// heads after it. Shapes: B batch (frames folded in where a block works per frame), S sequence length,
/// h heads, d head width.
/// </summary>
internal static class MultiHead
{
    /// <summary>(B, S, h·d) → (B, h, S, d), a view.</summary>
    /// <param name="x">A projection (B, S, h·d).</param>
    /// <param name="heads">h, dividing the last dimension.</param>
    public static Tensor Split(Tensor x, long heads)
    {
        var s = x.shape;
        return x.view(s[0], s[1], heads, s[2] / heads).transpose(1, 2); // [b, h, s, d]
    }

    /// <summary>(B, h, S, d) → (B, S, h·d).</summary>
    /// <param name="x">Per-head outputs (B, h, S, d).</param>
    public static Tensor Merge(Tensor x)
    {
        var s = x.shape;
        return x.transpose(1, 2).reshape(s[0], s[2], s[1] * s[3]); // [b, s, h·d]
    }
}
