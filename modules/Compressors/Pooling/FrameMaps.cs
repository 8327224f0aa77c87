namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// Moves per-frame token lists to channel-first maps and back, so 2D pooling can run on every frame at once.
/// Tokens are row-major over the g×g grid (the ViT's order).
/// </summary>
internal static class FrameMaps
{
    /// <summary>(B, T, g·g, D) → (B·T, D, g, g).</summary>
    public static Tensor ToMaps(Tensor features, long grid)
    {
        var s = features.shape;
        return features.reshape(s[0] * s[1], grid, grid, s[3])   // [B·T, G, G, D]
            .permute(0, 3, 1, 2);                                 // [B·T, D, G, G]
    }

    /// <summary>
    /// Average pooling of every frame's g×g map with kernel = stride = s in ceil mode (a clipped last window
    /// averages only its in-bounds tokens): (B, T, g·g, D) → (B, T, o·o, D), o = ⌈g/s⌉.
    /// </summary>
    public static Tensor StridedAverage(Tensor features, long grid, long stride)
    {
        long[] window = { stride, stride };
        var pooled = nn.functional.avg_pool2d(ToMaps(features, grid), window, window, new long[] { 0, 0 }, true); // [B·T, D, O, O]
        var shape = features.shape;
        return ToTokens(pooled, shape[0], shape[1]);                                                              // [B, T, O·O, D]
    }

    /// <summary>(B·T, D, o, o) → (B, T, o·o, D).</summary>
    public static Tensor ToTokens(Tensor maps, long batch, long time)
    {
        var s = maps.shape;   // [B·T, D, O, O]
        return maps.permute(0, 2, 3, 1)                         // [B·T, O, O, D]
            .reshape(batch, time, s[2] * s[3], s[1]);             // [B, T, O·O, D]
    }
}
