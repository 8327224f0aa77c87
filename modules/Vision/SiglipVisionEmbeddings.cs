using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// SigLIP patch embedding (Zhai et al. 2023, arXiv:2303.15343; HF <c>SiglipVisionEmbeddings</c>): a
/// convolution with kernel = stride = patch cuts each image into g×g patches and maps them to width D,
/// then a learned position embedding per patch is added. Images (B, C, H, W) → tokens (B, N, D),
/// N = g² = (image/patch)², row-major over the grid.
/// Keys: <c>patch_embedding.{weight,bias}</c>, <c>position_embedding.weight</c> (N, D).
/// </summary>
public sealed class SiglipVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d patch_embedding;
    private readonly Embedding position_embedding;

    private readonly int _image;
    private readonly long _channels;
    private readonly int _tokens;

    /// <summary>Creates the embedding.</summary>
    /// <param name="image">Input side in pixels (square images); divisible by <paramref name="patch"/>.</param>
    /// <param name="patch">Patch side in pixels (14 for so400m-patch14-384).</param>
    /// <param name="channels">Input channels (3 for RGB).</param>
    /// <param name="hidden">Token width D.</param>
    /// <exception cref="System.ArgumentException">A size is not positive or the image is not a whole number of patches.</exception>
    public SiglipVisionEmbeddings(int image, int patch, long channels, long hidden) : base(nameof(SiglipVisionEmbeddings))
    {
        BlockChecks.Divisible(image, "image", patch, "patch");
        BlockChecks.Positive(channels, "channels");
        BlockChecks.Positive(hidden, "hidden");
        _image = image;
        _channels = channels;
        int grid = image / patch;
        _tokens = grid * grid;

        patch_embedding = nn.Conv2d(channels, hidden, kernel_size: patch, stride: patch);
        position_embedding = nn.Embedding(_tokens, hidden);
        // SigLIP initialises the position table with std 1/√width rather than nn.Embedding's N(0, 1)
        nn.init.normal_(position_embedding.weight, 0.0, 1.0 / System.Math.Sqrt(hidden));
        RegisterComponents();
    }

    /// <summary>Images (B, C, H, W) with H = W = image → patch tokens (B, N, D).</summary>
    /// <exception cref="System.ArgumentException">The images do not have the configured channels and side.</exception>
    public override Tensor forward(Tensor pixels)
    {
        if (pixels.ndim != 4 || pixels.shape[1] != _channels || pixels.shape[2] != _image || pixels.shape[3] != _image) {
            throw new System.ArgumentException(
                $"pixels {BlockChecks.Format(pixels.shape)} must be (B, {_channels}, {_image}, {_image})", nameof(pixels));
        }
        using var scope = NewDisposeScope();
        var patches = patch_embedding.call(pixels);                 // [B, D, G, G]
        var tokens = patches.flatten(2).transpose(1, 2);           // [B, N, D]
        var positions = torch.arange(_tokens, dtype: ScalarType.Int64, device: pixels.device);
        return tokens.add(position_embedding.call(positions)).MoveToOuterDisposeScope();
    }
}
