using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Fusion;

/// <summary>
/// One random fusion scenario: a stream of S = text before + T·n visual + text after positions, and a
/// source of T·N tokens (frame-major), at LLM width H.
/// </summary>
public sealed record FusionCase(int Batch, int Frames, int PerFrame, int SourcePerFrame, int TextBefore, int TextAfter, int Hidden, int Seed)
{
    public int Heads => 4;

    public int KvHeads => 2;

    public int Visual => Frames * PerFrame;

    public int Length => TextBefore + Visual + TextAfter;

    public int Source => Frames * SourcePerFrame;

    public static Arbitrary<FusionCase> Arbitrary(int maxFrames = 4) =>
        (from b in Gen.Choose(1, 3)
         from t in Gen.Choose(1, maxFrames)
         from n in Gen.Choose(1, 3)
         from sn in Gen.Choose(1, 5)
         from before in Gen.Choose(0, 3)
         from after in Gen.Choose(0, 4)
         from h in Gen.Elements(16, 32, 48)
         from seed in Gen.Choose(0, 1_000_000)
         select new FusionCase(b, t, n, sn, before, after, h, seed)).ToArbitrary();

    public Tensor Hidden_(Random rng) => LmTestData.Randn(rng, 1.0, Batch, Length, Hidden);

    public Tensor SourceTokens(Random rng) => LmTestData.Randn(rng, 1.0, Batch, Source, Hidden);

    public FusionInputs Inputs(Tensor source, FusionSource kind = FusionSource.Original, Tensor? padding = null) =>
        new(new Dictionary<FusionSource, FusionSourceTokens> { [kind] = new FusionSourceTokens(source, padding) }, TextBefore, Visual, Frames);

    public LayerContext Context(FusionInputs? fusion)
    {
        var positions = torch.arange(0, Length, dtype: ScalarType.Int64).unsqueeze(0).expand(Batch, Length);
        return new LayerContext(new RotaryEmbedding(Hidden / Heads).call(positions), AttentionMasks.Causal(Length), null, fusion);
    }

    public CrossLMM.Zoo.Configs.LanguageModelConfig Llm => LmTestData.Llm(Hidden);
}
