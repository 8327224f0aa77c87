using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

/// <summary>One contract case: a compressor kind with random fields, the sections it is bound to, and an input.</summary>
public sealed record ContractCase(int Kind, int Batch, int Frames, int Grid, int VisionWidth, int ResamplerWidth, int Layers,
    int A, int B, int PromptLength, int Seed)
{
    public const int TextWidth = 24;

    public VisionConfig Vision => new(VisionKind.Precomputed, Grid * 2, 2, 3, VisionWidth, 1, 4, 2 * VisionWidth, 1e-6);

    public ResamplerConfig Resampler => new(ResamplerWidth, Layers, 4, 2 * ResamplerWidth, 1e-6);

    /// <summary>The compressor record: field values drawn from A and B, clamped into their valid ranges.</summary>
    public CompressorConfig Compressor => Kind switch {
        0 => new IdentityCompressorConfig(),
        1 => new Pool2dCompressorConfig(1 + (A - 1) % Grid),
        2 => new StridedPool2dCompressorConfig(1 + (B - 1) % Grid),
        3 => new TemporalPoolCompressorConfig(1 + (A - 1) % 4, 1 + (B - 1) % Grid),
        4 => new QFormerCompressorConfig(A, B % 2 == 0 ? Granularity.Frame : Granularity.Video, 1 + B % 3),
        5 => new PerceiverCompressorConfig(A, B % 2 == 0 ? Granularity.Video : Granularity.Frame, 6 + B % 3),
        6 => new CcamCompressorConfig(A + B),
        _ => new LlamaVidCompressorConfig(A),
    };

    public static Arbitrary<ContractCase> Arbitrary() =>
        (from kind in Gen.Choose(0, 7)
         from b in Gen.Choose(1, 3)
         from t in Gen.Choose(1, 6)
         from g in Gen.Choose(1, 6)
         from d in Gen.Elements(16, 32, 48, 64)
         from h in Gen.Elements(16, 32, 48, 64)
         from l in Gen.Choose(1, 2)
         from x in Gen.Choose(1, 6)
         from y in Gen.Choose(1, 6)
         from prompt in Gen.Choose(0, 4)
         from seed in Gen.Choose(0, 1_000_000)
         select new ContractCase(kind, b, t, g, d, h, l, x, y, prompt, seed)).ToArbitrary();
}

public class CompressorFactoryTests
{
    [Property(MaxTest = 120, Arbitrary = new[] { typeof(Arbitraries.ContractCases) })]
    public void EveryKind_AnySizes_EmitsTheConfigsTokenCountAndWidth(ContractCase c)
    {
        var config = c.Compressor;
        using var block = CompressorFactory.Create(config, c.Vision, c.Resampler, ContractCase.TextWidth);
        VisualTestData.Randomize(block, c.Seed);
        var rng = new Random(c.Seed);
        using var features = VisualTestData.Randn(rng, 1.0, c.Batch, c.Frames, c.Grid * c.Grid, c.VisionWidth);
        using var prompt = VisualTestData.Randn(rng, 1.0, c.Batch, c.PromptLength, ContractCase.TextWidth);
        using var output = block.call(features, prompt, null);
        long tokens = config.Tokens(c.Frames, c.Grid);
        int width = config.OutputWidth(c.Vision, c.Resampler);
        TensorAssert.HasShape(new[] { c.Batch, tokens, width }, output.Tokens, config.KindName);
        Assert.Equal(tokens, block.TokensFor(c.Frames));
        Assert.Equal(width, block.OutputWidth);
        if (config.IsPerFrame) {
            Assert.Equal((long)config.TokensPerFrame(c.Grid)!.Value * c.Frames, tokens);
        }
        if (config is TemporalPoolCompressorConfig temporal) {
            TensorAssert.HasShape(new[] { c.Batch, temporal.SlowTokens(c.Frames, c.Grid), c.VisionWidth }, output.Slow!, "slow tokens");
        } else {
            Assert.Null(output.Slow);
        }
        TensorAssert.AllFinite(output.Tokens, config.KindName);
    }

    [Fact]
    public void Factory_MapsEveryKindToItsBlock()
    {
        var vision = new VisionConfig(VisionKind.Vit, 32, 8, 3, 32, 2, 4, 64, 1e-6);
        var resampler = new ResamplerConfig(32, 2, 4, 64, 1e-6);
        var expected = new (CompressorConfig Config, Type Block)[] {
            (new IdentityCompressorConfig(), typeof(IdentityCompressor)),
            (new Pool2dCompressorConfig(3), typeof(Pool2dCompressor)),
            (new StridedPool2dCompressorConfig(2), typeof(StridedPool2dCompressor)),
            (new TemporalPoolCompressorConfig(4, 2), typeof(TemporalPoolCompressor)),
            (new QFormerCompressorConfig(32, Granularity.Frame, 2), typeof(QFormerCompressor)),
            (new PerceiverCompressorConfig(64, Granularity.Video, 1024), typeof(PerceiverCompressor)),
            (new CcamCompressorConfig(1024), typeof(CcamCompressor)),
            (new LlamaVidCompressorConfig(32), typeof(LlamaVidCompressor)),
            (new LongVlmCompressorConfig(2, 8), typeof(LongVlmCompressor)),
        };
        Assert.Equal(KindDeclaration.Compressors.Count, expected.Length);
        foreach (var (config, type) in expected) {
            using var block = CompressorFactory.Create(config, vision, resampler, 48);
            Assert.IsType(type, block);
            Assert.Equal(config.Tokens(5, vision.PatchGrid), block.TokensFor(5));
        }
        Assert.Equal(KindDeclaration.Compressors.Select(k => k.Record), expected.Select(e => e.Config.GetType()));
    }

    [Fact]
    public void Factory_InvalidRecords_ReportTheConfigRule()
    {
        var vision = new VisionConfig(VisionKind.Vit, 32, 8, 3, 32, 2, 4, 64, 1e-6);
        var resampler = new ResamplerConfig(32, 2, 4, 64, 1e-6);
        var e1 = Assert.Throws<ArgumentException>(() => CompressorFactory.Create(new Pool2dCompressorConfig(5), vision, resampler, 48));
        Assert.Contains("compressor.grid (5) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => CompressorFactory.Create(new QFormerCompressorConfig(32, Granularity.Frame, 2), vision, resampler with { Heads = 5 }, 48));
        Assert.Contains("resampler.hidden (32) must be divisible by resampler.heads (5)", e2.Message);
    }
}
