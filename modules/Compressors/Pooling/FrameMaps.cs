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
        long batch = features.shape[0], time = features.shape[1], width = features.shape[3];
        return features.reshape(batch * time, grid, grid, width) // [b·t, g, g, d]
            .permute(0, 3, 1, 2);                                 // [b·t, d, g, g]
    }

    /// <summary>(B·T, D, o, o) → (B, T, o·o, D).</summary>
    public static Tensor ToTokens(Tensor maps, long batch, long time)
    {
        long width = maps.shape[1], side = maps.shape[2];
        return maps.permute(0, 2, 3, 1)                         // [b·t, o, o, d]
            .reshape(batch, time, side * side, width);            // [b, t, o·o, d]
    }
}
