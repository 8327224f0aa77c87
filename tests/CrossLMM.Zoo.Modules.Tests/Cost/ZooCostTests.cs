using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Modules.Tests.Composed;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Cost;

/// <summary>
/// The cost model's exactness property on the real composed model: for every architecture in zoo.yaml at
/// the tiny preset (and for random hand-built architectures), one prefill and two cached decode steps of
/// <see cref="VideoLmm"/> under the FLOP hook equal <see cref="CostModel"/> exactly — in total, per op kind
/// and per component — and parameter counts, KV-cache bytes and token counts equal the model's.
/// </summary>
public class ZooCostTests
{
    public static IEnumerable<object[]> Stems() => ZooSpecs.Stems.Select(s => new object[] { s });

    /// <summary>Random T ∈ [1, 6], text ∈ [1, 8], B ∈ [1, 2] and a seed.</summary>
    private static Arbitrary<(int Frames, int Text, int Batch, int Seed)> Sizes() =>
        (from t in Gen.Choose(1, 6)
         from l in Gen.Choose(1, 8)
         from b in Gen.Choose(1, 2)
         from seed in Gen.Choose(0, 1_000_000)
         select (t, l, b, seed)).ToArbitrary();

    [Theory]
    [MemberData(nameof(Stems))]
    public void EveryArchitecture_TinyForwardAndDecode_CostModelEqualsTheFlopHook(string stem)
    {
        var config = ZooSpecs.Bind(stem);
        using var model = VideoLmmBuilder.Build(config);
        CostMeasurement.AssertParameters(model, CostModel.Parameters(config), stem);
        Prop.ForAll(Sizes(), s => CheckForward(model, config, s.Frames, s.Text, s.Batch, s.Seed)).Check(VisualTestData.Quick(6));
    }

    [Fact]
    public void RandomArchitectures_AnyFusionKindLayoutAndScope_CostModelEqualsTheFlopHook()
    {
        Prop.ForAll(VideoLmmCase.Arbitrary(), c =>
        {
            var config = c.Config();
            using var model = VideoLmmBuilder.Build(config);
            CostMeasurement.AssertParameters(model, CostModel.Parameters(config), c.ToString());
            CheckForward(model, config, c.Frames, c.TextLength, c.Batch, c.Seed);
        }).Check(VisualTestData.Quick(25));
    }

    // One prefill and two decode steps of the real model against the cost model.
    private static void CheckForward(VideoLmm model, ArchitectureConfig config, int frames, int text, int batch, int seed)
    {
        string what = $"{config.Stem} B={batch} T={frames} L_t={text}";
        var rng = new Random(seed);
        using var video = config.Vision.Kind == VisionKind.Vit
            ? LmTestData.Randn(rng, 1.0, batch, frames, config.Vision.Channels, config.Vision.Image, config.Vision.Image)
            : LmTestData.Randn(rng, 1.0, batch, frames, config.EncoderTokensPerFrame, config.Vision.Hidden);
        using var ids = LmTestData.Ids(rng, config.Llm.Vocab, batch, text);
        using var next = LmTestData.Ids(rng, config.Llm.Vocab, batch, 2);
        // The composed model computes logits at every position; everything else as the defaults say.
        var options = new CostOptions(Batch: batch, LmHead: LmHeadPositions.All, GeneratedTokens: 3, KvDtype: CostDtype.Float32, WeightDtype: CostDtype.Float32);

        using var cache = new KvCache();
        VideoTokenCounts? counts = null;
        var prefill = CostMeasurement.Of(model, () => counts = model.call(new VideoLmmInput(video, ids), cache).Counts);
        prefill.AssertEquals(CostModel.Prefill(config, frames, text, options), what + " prefill");

        var memory = CostModel.Memory(config, frames, text, options);
        Assert.Equal(memory.KvCacheBytes, CacheBytes(cache, config.Llm.Layers));

        var step0 = CostMeasurement.Of(model, () => model.Decode(next.narrow(1, 0, 1), cache));
        step0.AssertEquals(CostModel.DecodeStep(config, frames, text, 0, options), what + " decode step 0");
        var step1 = CostMeasurement.Of(model, () => model.Decode(next.narrow(1, 1, 1), cache));
        step1.AssertEquals(CostModel.DecodeStep(config, frames, text, 1, options), what + " decode step 1");
        Assert.Equal(step0.Total + step1.Total, CostModel.Decode(config, frames, text, options).Total);
        Assert.Equal(memory.FinalKvCacheBytes, CacheBytes(cache, config.Llm.Layers));

        var tokens = CostModel.Tokens(config, frames, text);
        Assert.Equal(tokens.StreamVisualTokens, counts!.VisualTokensInStream);
        Assert.Equal(tokens.StreamTextTokens, counts.TextTokens);
        Assert.Equal(tokens.StreamTokens, counts.TotalSequence);
        Assert.Equal(tokens.SourceTokens.OrderBy(kv => kv.Key), counts.SourceTokens.OrderBy(kv => kv.Key));
        Assert.Equal(model.Compressor.TokensFor(frames), tokens.CompressedTokens);
        Assert.Equal((long)frames * model.Compressor.InputTokensPerFrame, tokens.EncoderTokens);
    }

    // Bytes of every cached key and value (self-attention and fusion slots) of the model's layers.
    private static long CacheBytes(KvCache cache, int layers)
    {
        long bytes = 0;
        for (int i = 0; i < layers; i++)
        {
            var layer = cache.Layer(i);
            foreach (var slot in new[] { "self_attn", "cross_attn", "cross_attn.v2v", "cross_attn.t2v" })
            {
                var entry = layer[slot];
                if (!entry.HasValues)
                {
                    continue;
                }

                var (k, v, mask) = entry.Get();
                bytes += k.numel() * k.element_size() + v.numel() * v.element_size();
                Assert.Null(mask);   // no padding: nothing else is cached
                k.Dispose();
                v.Dispose();
            }
        }

        return bytes;
    }
}
