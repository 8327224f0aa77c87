using System;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

/// <summary>
/// Sizes of one learned-query compressor case: batch, frames, patch grid side, vision width, resampler width
/// (4 heads), resampler layers, query count, a seed.
/// </summary>
public sealed record LearnedQueryCase(int Batch, int Frames, int Grid, int VisionWidth, int Hidden, int Layers, int Queries, int Seed)
{
    /// <summary>Attention heads of the resampler.</summary>
    public int Heads => 4;

    /// <summary>FFN inner width of the resampler.</summary>
    public int Mlp => 2 * Hidden;

    /// <summary>Patches per frame N = g².</summary>
    public int Patches => Grid * Grid;

    public static Arbitrary<LearnedQueryCase> Arbitrary(int minFrames = 1, int maxFrames = 6, int maxQueries = 6) =>
        (from b in Gen.Choose(1, 3)
         from t in Gen.Choose(minFrames, maxFrames)
         from g in Gen.Choose(1, 4)
         from d in Gen.Elements(16, 32, 48, 64)
         from h in Gen.Elements(16, 32, 48, 64)
         from l in Gen.Choose(1, 3)
         from q in Gen.Choose(1, maxQueries)
         from seed in Gen.Choose(0, 1_000_000)
         select new LearnedQueryCase(b, t, g, d, h, l, q, seed)).ToArbitrary();

    /// <summary>Random features (B, T, N, D).</summary>
    public Tensor Features(Random rng) => VisualTestData.Randn(rng, 1.0, Batch, Frames, Patches, VisionWidth);
}
