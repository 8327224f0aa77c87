using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Composed;

/// <summary>The fusion kind a case builds (the zoo's kinds are records, <see cref="KindDeclaration.Fusions"/>; a test checks this list covers them).</summary>
public enum FusionKind
{
    DualCrossAttention,
    Hybrid,
    GatedCrossAttention,
}

/// <summary>
/// Hand-built tiny architectures (precomputed features, pool2d) with random sizes and fusion plans: the fusion
/// entry's key/value heads (1, 2 = llm.kv_heads, or 4 = heads; the hybrid keeps llm.kv_heads) and FFN width vary,
/// and with <c>crossAttentionOnly</c> a gated entry may also run without visual tokens in the stream, reading the
/// original tokens (so the compressor's output is unused) or the compressed ones.
/// </summary>
public sealed record VideoLmmCase(
    int Batch, int Frames, int Grid, int TextLength, int Hidden, int Layers, int Every, FusionKind Kind, Layout Layout, TokenScope Scope, int Seed,
    int KvHeads = 2, int Mlp = 0, FusionSource GatedSource = FusionSource.Compressed)
{
    public const int PatchGrid = 4;      // N = 16 encoder tokens per frame
    public const int VisionWidth = 24;
    public const int Vocab = 53;

    public static Arbitrary<VideoLmmCase> Arbitrary(bool allKinds = true, bool crossAttentionOnly = false) =>
        (from b in Gen.Choose(1, 3)
         from t in Gen.Choose(1, 6)
         from g in Gen.Choose(1, 3)
         from l in Gen.Choose(1, 5)
         from h in Gen.Elements(16, 32)
         from layers in Gen.Choose(2, 4)
         from every in Gen.Choose(1, 2)
         from kind in allKinds ? Gen.Elements(FusionKind.DualCrossAttention, FusionKind.Hybrid, FusionKind.GatedCrossAttention) : Gen.Constant(FusionKind.DualCrossAttention)
         from layout in crossAttentionOnly && kind == FusionKind.GatedCrossAttention
             ? Gen.Elements(Layout.VideoFirst, Layout.QuestionFirst, Layout.CrossAttentionOnly)
             : Gen.Elements(Layout.VideoFirst, Layout.QuestionFirst)
         from scope in Gen.Elements(TokenScope.Global, TokenScope.Frame)
         from seed in Gen.Choose(0, 1_000_000)
         from kvHeads in kind == FusionKind.Hybrid ? Gen.Constant(2) : Gen.Elements(1, 2, 4)
         from mlp in Gen.Elements(0, 24, 40)
         from gatedSource in Gen.Elements(FusionSource.Compressed, FusionSource.Original)
         select new VideoLmmCase(b, t, g, l, h, layers, every, kind, layout, scope, seed, kvHeads, mlp, gatedSource)).ToArbitrary();

    public ArchitectureConfig Config(bool withFusion = true, double gateInit = 0.0)
    {
        var vision = new VisionConfig(VisionKind.Precomputed, Image: PatchGrid * 4, Patch: 4, Channels: 3, Hidden: VisionWidth, Layers: 1, Heads: 4, Mlp: 48, NormEps: 1e-6);
        var resampler = new ResamplerConfig(32, 1, 4, 64, 1e-6);
        var llm = LmTestData.Llm(Hidden, Layers, Vocab, tied: Seed % 2 == 0);
        var layers = EquatableArray.Of(Enumerable.Range(0, Layers).Where(i => i % Every == Every - 1).ToArray());
        int mlp = Mlp == 0 ? llm.Mlp : Mlp;
        FusionConfig fusion = Kind switch
        {
            FusionKind.DualCrossAttention => new DualCrossAttentionConfig(layers, FusionSource.Original, gateInit, 4, KvHeads, mlp,
                EquatableArray.Of(CrossAttentionBranch.V2V, CrossAttentionBranch.T2V), Scope),
            FusionKind.Hybrid => new HybridFusionConfig(layers, FusionSource.Original, gateInit, 4, llm.KvHeads),
            _ => new GatedCrossAttentionConfig(layers, GatedSource, gateInit, 4, KvHeads, mlp),
        };
        return new ArchitectureConfig(
            "Case", "case", "", "", "", "test", vision, resampler, new Pool2dCompressorConfig(Grid),
            new MlpProjectorConfig(2, Activation.Gelu, ProjectorNorm.LayerNorm), llm,
            withFusion ? EquatableArray.Of(fusion) : EquatableArray<FusionConfig>.Empty, Layout);
    }

    public Tensor Features(Random rng) => LmTestData.Randn(rng, 1.0, Batch, Frames, PatchGrid * PatchGrid, VisionWidth);

    public Tensor Ids(Random rng, int length) => LmTestData.Ids(rng, Vocab, Batch, length);
}
