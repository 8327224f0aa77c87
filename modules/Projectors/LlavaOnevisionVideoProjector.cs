using System;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Projectors;

/// <summary>
/// LLaVA-OneVision's video path after the vision tower, exactly as Hugging Face's
/// <c>LlavaOnevisionModel.get_video_features</c> and <c>forward</c> run it (Li et al. 2024, arXiv:2408.03326): the
/// 2-layer GELU MLP projector on every patch token of every frame, then each frame's g×g grid resized bilinearly
/// (<c>interpolate(…, mode="bilinear")</c>, no corner alignment) to O×O with O = ⌈G_p/2⌉, the frames concatenated,
/// and one learned <c>image_newline</c> token appended after the last frame.
/// Tokens (B, T·N, D), N = G_p², → (B, T·O² + 1, H).
/// <para>Note the order: projection before pooling (the MLP is non-linear, so this is not the zoo's
/// compress-then-project <c>strided_pool2d</c> + <c>mlp</c> of <c>llava-ov.yaml</c>, which also pools by averaging and has
/// no newline token).</para>
/// <para>Keys: <c>mlp.{linear_1,linear_2}</c>, <c>image_newline</c> (H). Hugging Face keys (<see cref="HfKeys"/>):
/// <c>linear_1</c>, <c>linear_2</c> (HF's <c>LlavaOnevisionMultiModalProjector</c>) and <c>image_newline</c>, which HF keeps
/// on the enclosing model; the checkpoint layout lifts it (<c>LlavaOnevisionCheckpoint</c>).</para>
/// </summary>
public sealed class LlavaOnevisionVideoProjector : VisualProjector, IHfKeyMapped
{
    private readonly MlpProjector mlp;
    private readonly Parameter image_newline;
    private readonly int _grid;

    /// <summary>Creates the projector.</summary>
    /// <param name="patchGrid">Side G_p of each frame's patch grid (image_size / patch_size: 27 at 384 px, patch 14).</param>
    /// <param name="inputWidth">Vision width D.</param>
    /// <param name="outputWidth">LLM width H.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public LlavaOnevisionVideoProjector(int patchGrid, long inputWidth, long outputWidth)
        : base(nameof(LlavaOnevisionVideoProjector), inputWidth, outputWidth)
    {
        BlockChecks.Positive(patchGrid, "patchGrid");
        _grid = patchGrid;
        mlp = new MlpProjector(inputWidth, outputWidth, depth: 2, activation: Activation.Gelu);
        // HF initialises the newline like an embedding row: N(0, 1/H)
        image_newline = nn.Parameter(torch.randn(outputWidth).mul_(1.0 / Math.Sqrt(outputWidth)));
        RegisterComponents();
    }

    /// <summary>HF's names: the MLP's Linear layers directly under the projector, the newline as is.</summary>
    public HfKeyMap HfKeys { get; } = new("LlavaOnevisionMultiModalProjector", new HfKeyRule("mlp.", ""));

    /// <summary>The 2-layer MLP (HF's <c>multi_modal_projector</c>).</summary>
    public MlpProjector Mlp => mlp;

    /// <summary>Side O = ⌈G_p/2⌉ of each frame's pooled grid.</summary>
    public int PooledGrid => (_grid + 1) / 2;

    /// <summary>Stream tokens for <paramref name="frames"/> frames: T·O² + 1 (the newline).</summary>
    /// <param name="frames">T.</param>
    public long TokensFor(int frames) => (long)frames * PooledGrid * PooledGrid + 1;

    /// <summary>Tokens (B, T·N, D) → (B, T·O² + 1, H).</summary>
    /// <exception cref="ArgumentException">Tokens that are not whole frames of g² tokens of width D.</exception>
    public override Tensor forward(Tensor x)
    {
        BlockChecks.Rank(x, 3, nameof(x), "(B, T·N, D)");
        long perFrame = (long)_grid * _grid;
        if (x.shape[1] % perFrame != 0 || x.shape[1] == 0) {
            throw new ArgumentException($"x {BlockChecks.Format(x.shape)} must hold whole frames of {_grid}² = {perFrame} tokens", nameof(x));
        }
        using var scope = NewDisposeScope();
        long batch = x.shape[0], frames = x.shape[1] / perFrame, side = PooledGrid;
        var projected = mlp.call(x);                                                                      // [B, T·N, H]
        var grids = projected.view(batch * frames, _grid, _grid, OutputWidth).permute(0, 3, 1, 2);      // [B·T, H, G_p, G_p]
        var pooled = nn.functional.interpolate(grids, new long[] { side, side }, mode: InterpolationMode.Bilinear, align_corners: false);   // [B·T, H, O, O]
        var tokens = pooled.permute(0, 2, 3, 1).reshape(batch, frames * side * side, OutputWidth);      // [B, T·O², H]
        var newline = image_newline.view(1, 1, OutputWidth).expand(batch, 1, OutputWidth);              // [B, 1, H]
        return torch.cat(new[] { tokens, newline }, 1).MoveToOuterDisposeScope();                        // [B, T·O² + 1, H]
    }
}
