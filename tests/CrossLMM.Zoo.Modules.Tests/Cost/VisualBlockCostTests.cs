using System;
using System.Linq;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Tests.Support;
using CrossLMM.Zoo.Modules.Vision;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Cost;

/// <summary>Random small sizes for the blocks before the LLM.</summary>
/// <param name="Vision">A valid ViT config.</param>
/// <param name="Resampler">A valid resampler config.</param>
/// <param name="Compressor">A compressor of any kind, valid for <paramref name="Vision"/>.</param>
/// <param name="TextWidth">LLM width (LLaMA-VID's prompt embeddings).</param>
/// <param name="Prompt">Prompt tokens for LLaMA-VID (0: none).</param>
/// <param name="Batch">B.</param>
/// <param name="Frames">T.</param>
public sealed record VisualCostCase(
    VisionConfig Vision, ResamplerConfig Resampler, CompressorConfig Compressor, int TextWidth, int Prompt, int Batch, int Frames)
{
    public static Arbitrary<VisualCostCase> Arbitrary() =>
        (from grid in Gen.Choose(1, 4)
         from patch in Gen.Choose(2, 4)
         from channels in Gen.Elements(1, 3)
         from visionHeads in Gen.Elements(1, 2, 4)
         from visionHeadDim in Gen.Elements(2, 4, 8)
         from visionLayers in Gen.Choose(1, 2)
         from visionMlp in Gen.Elements(6, 20)
         from resamplerHeads in Gen.Elements(1, 2, 4)
         from resamplerHeadDim in Gen.Elements(2, 4, 8)
         from resamplerLayers in Gen.Choose(1, 3)
         from resamplerMlp in Gen.Elements(10, 24)
         from kind in Gen.Choose(0, 8)
         from a in Gen.Choose(1, 5)
         from c in Gen.Choose(1, 3)
         from perFrame in Gen.Elements(true, false)
         from textWidth in Gen.Elements(8, 16)
         from prompt in Gen.Choose(0, 4)
         from batch in Gen.Choose(1, 2)
         from frames in Gen.Choose(1, 4)
         let vision = new VisionConfig(VisionKind.Vit, grid * patch, patch, channels, visionHeads * visionHeadDim, visionLayers, visionHeads, visionMlp, 1e-6)
         let resampler = new ResamplerConfig(resamplerHeads * resamplerHeadDim, resamplerLayers, resamplerHeads, resamplerMlp, 1e-6)
         let per = perFrame ? Granularity.Frame : Granularity.Video
         let side = 1 + (a - 1) % grid
         let compressor = kind switch
         {
             0 => (CompressorConfig)new IdentityCompressorConfig(),
             1 => new Pool2dCompressorConfig(side),
             2 => new StridedPool2dCompressorConfig(side),
             3 => new TemporalPoolCompressorConfig(c, side),
             4 => new QFormerCompressorConfig(a, per, c),
             5 => new PerceiverCompressorConfig(a, per, 6),
             6 => new CcamCompressorConfig(a + c),
             _ => new LlamaVidCompressorConfig(a),
         }
         select new VisualCostCase(vision, resampler, compressor, textWidth, prompt, batch, frames)).ToArbitrary();

    public override string ToString() =>
        $"{Compressor.KindName} B={Batch} T={Frames} grid={Vision.PatchGrid} D={Vision.Hidden} R={Resampler.Hidden}×{Resampler.Layers} prompt={Prompt} ({Compressor})";
}

public class VisualBlockCostTests
{
    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.VisualCostCases) })]
    public void Vision_AnySizes_FlopsAndParametersEqualTheHook(VisualCostCase c)
    {
        var v = c.Vision;
        using var vit = new SiglipVisionTransformer(v);
        using var frames = torch.randn(new long[] { c.Batch, c.Frames, v.Channels, v.Image, v.Image });
        var measured = CostMeasurement.Of(vit, () => vit.call(frames));
        measured.AssertEquals(VisualBlockFlops.Vision(v, (long)c.Batch * c.Frames), c.ToString());
        Assert.True(measured.ByKind[OpKind.Conv] > 0 && measured.ByKind[OpKind.Matmul] > 0 && measured.ByKind[OpKind.Linear] > 0);
        CostMeasurement.AssertParameters(vit, BlockParameters.Vision(v), c.ToString());
    }

    [Fact]
    public void Vision_Precomputed_CostsNothing()
    {
        var v = new VisionConfig(VisionKind.Precomputed, 16, 4, 3, 8, 2, 2, 16, 1e-6);
        using var block = VisionFactory.Create(v);
        using var features = torch.randn(2, 3, 16, 8);
        var measured = CostMeasurement.Of(block, () => block.call(features));
        measured.AssertEquals(VisualBlockFlops.Vision(v, 6), "precomputed");
        Assert.Equal(0, VisualBlockFlops.Vision(v, 6).Total);
        CostMeasurement.AssertParameters(block, BlockParameters.Vision(v), "precomputed");
    }

    [Property(MaxTest = 60, Arbitrary = new[] { typeof(Arbitraries.VisualCostCases) })]
    public void Compressor_EveryKind_FlopsAndParametersEqualTheHook(VisualCostCase c)
    {
        var v = c.Vision;
        using var compressor = CompressorFactory.Create(c.Compressor, v, c.Resampler, c.TextWidth);
        using var features = torch.randn(c.Batch, c.Frames, v.TokensPerFrame, v.Hidden);
        using var prompt = c.Prompt > 0 ? torch.randn(c.Batch, c.Prompt, c.TextWidth) : null;
        var measured = CostMeasurement.Of(compressor, () => compressor.call(features, prompt, null).Dispose());
        var expected = VisualBlockFlops.Compressor(c.Compressor, v, c.Resampler, c.TextWidth, c.Batch, c.Frames, c.Prompt);
        measured.AssertEquals(expected, c.ToString());
        Assert.Equal(c.Compressor.UsesResampler || c.Compressor is LlamaVidCompressorConfig, expected.Total > 0);
        CostMeasurement.AssertParameters(compressor, BlockParameters.Compressor(c.Compressor, v, c.Resampler, c.TextWidth), c.ToString());
    }

    /// <summary>Random projector kinds, widths and input sizes (replaying a failure: see <see cref="Arbitraries"/>).</summary>
    public static class ProjectorCostCases
    {
        public static Arbitrary<(ProjectorConfig kind, int input, int output, int batch, int tokens)> Case() =>
            (from kind in Gen.Elements<ProjectorConfig>(
                 new LinearProjectorConfig(),
                 new MlpProjectorConfig(1, Activation.Gelu, ProjectorNorm.None),
                 new MlpProjectorConfig(2, Activation.Gelu, ProjectorNorm.LayerNorm),
                 new MlpProjectorConfig(2, Activation.GeluTanh, ProjectorNorm.None),
                 new MlpProjectorConfig(3, Activation.Silu, ProjectorNorm.LayerNorm),
                 new MlpProjectorConfig(3, Activation.Relu, ProjectorNorm.None))
             from input in Gen.Choose(1, 24)
             from output in Gen.Choose(1, 24)
             from batch in Gen.Choose(1, 3)
             from tokens in Gen.Choose(1, 9)
             select (kind, input, output, batch, tokens)).ToArbitrary();
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(ProjectorCostCases) })]
    public void Projector_AnyKind_FlopsAndParametersEqualTheHook((ProjectorConfig kind, int input, int output, int batch, int tokens) t)
    {
        var (kind, input, output, batch, tokens) = t;
        using var projector = ProjectorFactory.Create(kind, input, output);
        using var x = torch.randn(batch, tokens, input);
        var measured = CostMeasurement.Of(projector, () => projector.call(x));
        string what = $"{kind} {input}→{output} on {batch}×{tokens}";
        measured.AssertEquals(VisualBlockFlops.Projector(kind, input, output, (long)batch * tokens), what);
        CostMeasurement.AssertParameters(projector, BlockParameters.Projector(kind, input, output), what);
    }

    [Fact]
    public void Compressor_PoolingKinds_CostNoFlops()
    {
        var v = new VisionConfig(VisionKind.Vit, 24, 4, 3, 16, 1, 2, 16, 1e-6);
        var r = new ResamplerConfig(16, 1, 2, 16, 1e-6);
        foreach (var kind in new CompressorConfig[]
                 {
                     new IdentityCompressorConfig(), new Pool2dCompressorConfig(3), new StridedPool2dCompressorConfig(2),
                     new TemporalPoolCompressorConfig(2, 2),
                 })
        {
            Assert.Equal(0, VisualBlockFlops.Compressor(kind, v, r, 16, 2, 5, 3).Total);
            Assert.Equal(0, BlockParameters.Compressor(kind, v, r, 16).Total);
        }
    }
}
