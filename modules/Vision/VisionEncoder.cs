namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// Base of the vision front ends (<c>vision.kind</c>): whatever it is given — frames (B, T, C, H, W) for a
/// ViT, encoder features (B, T, N, D) for precomputed input — it returns per-frame patch tokens
/// (B, T, N, D) with N = <see cref="TokensPerFrame"/> and D = <see cref="Hidden"/>.
/// </summary>
public abstract class VisionEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Sets the output geometry.</summary>
    /// <param name="name">Module type name.</param>
    /// <param name="patchGrid">Side g of the patch grid; N = g².</param>
    /// <param name="hidden">Token width D.</param>
    protected VisionEncoder(string name, int patchGrid, long hidden) : base(name)
    {
        PatchGrid = patchGrid;
        Hidden = hidden;
    }

    /// <summary>Side g of the patch grid (image / patch).</summary>
    public int PatchGrid { get; }

    /// <summary>Tokens per frame N = g².</summary>
    public int TokensPerFrame => PatchGrid * PatchGrid;

    /// <summary>Token width D.</summary>
    public long Hidden { get; }
}
