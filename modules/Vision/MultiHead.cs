namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// Head bookkeeping shared by the ViT and the learned-query compressors, around
/// <c>nn.functional.scaled_dot_product_attention</c>. Shapes: B batch (frames folded in where a block works
/// per frame), S sequence length, h heads, d head width.
/// </summary>
internal static class MultiHead
{
    /// <summary>(B, S, h·d) → (B, h, S, d).</summary>
    public static Tensor Split(Tensor x, long heads)
    {
        long batch = x.shape[0], length = x.shape[1], width = x.shape[2];
        return x.view(batch, length, heads, width / heads).transpose(1, 2); // [b, h, s, d]
    }

    /// <summary>(B, h, S, d) → (B, S, h·d).</summary>
    public static Tensor Merge(Tensor x)
    {
        long batch = x.shape[0], heads = x.shape[1], length = x.shape[2], dim = x.shape[3];
        return x.transpose(1, 2).reshape(batch, length, heads * dim); // [b, s, h·d]
    }

}
