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
/// and per component — and parameter counts, KV-cache bytes and token counts equal the model's. Both LM-head
/// conventions are real model paths: <see cref="LmHeadPositions.All"/> is the default forward (logits at every
/// position), <see cref="LmHeadPositions.Last"/> is the prefill with <see cref="VideoLmmInput.LogitsToKeep"/> = 1
/// (what <see cref="VideoLmm.Generate"/> runs).
/// </summary>
public class ZooCostTests
{
    /// <summary>Random T ∈ [1, 6], text ∈ [1, 8], B ∈ [1, 2] and a seed.</summary>
    private static Arbitrary<(int Frames, int Text, int Batch, int Seed)> Sizes() =>
        (from t in Gen.Choose(1, 6)
         from l in Gen.Choose(1, 8)
         from b in Gen.Choose(1, 2)
         from seed in Gen.Choose(0, 1_000_000)
         select (t, l, b, seed)).ToArbitrary();

    /// <summary><see cref="Sizes"/> for <c>[Property]</c> (replaying a failure: see <see cref="Arbitraries"/>).</summary>
    public static class ForwardSizes
    {
        public static Arbitrary<(int Frames, int Text, int Batch, int Seed)> Case() => Sizes();
    }

    /// <summary>
    /// Every architecture with both LM-head conventions, on the same 6 random sizes: a <c>[Property]</c> cannot
    /// also be a theory, so the architectures are a loop inside it (each one's model is built once per case;
    /// failure messages name the architecture and the head).
    /// </summary>
    [Property(MaxTest = 6, Arbitrary = new[] { typeof(ForwardSizes) })]
    public void EveryArchitecture_TinyForwardAndDecode_CostModelEqualsTheFlopHook((int Frames, int Text, int Batch, int Seed) s)
    {
        foreach (var stem in ZooSpecs.Stems)
        {
            var config = ZooSpecs.Bind(stem);
            using var model = VideoLmmBuilder.Build(config);
            CostMeasurement.AssertParameters(model, CostModel.Parameters(config), stem);
            foreach (var head in new[] { LmHeadPositions.All, LmHeadPositions.Last })
            {
                CheckForward(model, config, s.Frames, s.Text, s.Batch, s.Seed, head);
            }
        }
    }

    [Property(MaxTest = 30, Arbitrary = new[] { typeof(Arbitraries.VideoLmmCasesWithCrossAttentionOnly) })]
    public void RandomArchitectures_AnyFusionKindLayoutScopeAndHeadLayout_CostModelEqualsTheFlopHook(VideoLmmCase c)
    {
        var config = c.Config();
        using var model = VideoLmmBuilder.Build(config);
        CostMeasurement.AssertParameters(model, CostModel.Parameters(config), c.ToString());
        CheckForward(model, config, c.Frames, c.TextLength, c.Batch, c.Seed, c.Seed % 2 == 0 ? LmHeadPositions.All : LmHeadPositions.Last);
    }

    /// <summary>
    /// With no visual tokens in the stream and only the original tokens read by fusion, nothing uses the
    /// compressor's output: the model skips it (the hook sees no compressor FLOP, here a Perceiver's) and the
    /// cost model charges none. The same model reading the compressed latents runs it.
    /// </summary>
    [Fact]
    public void CrossAttentionOnly_ReadingOriginalTokens_SkipsTheCompressor_InTheModelAndTheCostModel()
    {
        var flamingo = ZooSpecs.Bind("flamingo");
        var gated = (GatedCrossAttentionConfig)flamingo.Fusion[0];
        var original = flamingo with { Fusion = EquatableArray.Of<FusionConfig>(gated with { Source = FusionSource.Original }) };
        Assert.True(flamingo.UsesCompressor);
        Assert.False(original.UsesCompressor);
        foreach (var config in new[] { flamingo, original })
        {
            using var model = VideoLmmBuilder.Build(config);
            Assert.Equal(config.UsesCompressor, model.UsesCompressor);
            var measured = CheckForward(model, config, 3, 4, 2, 5, LmHeadPositions.All);
            var expected = CostModel.Prefill(config, 3, 4, new CostOptions(Batch: 2, LmHead: LmHeadPositions.All));
            Assert.Equal(config.UsesCompressor, measured.ByComponent[CostComponent.Compressor] > 0);
            Assert.Equal(measured.ByComponent[CostComponent.Compressor], expected[CostComponent.Compressor]);
        }
    }

    // One prefill (logits at every position, or only the last) and two decode steps of the real model against the
    // cost model; returns the prefill's measurement.
    private static CostMeasurement CheckForward(VideoLmm model, ArchitectureConfig config, int frames, int text, int batch, int seed, LmHeadPositions head)
    {
        string what = $"{config.Stem} B={batch} T={frames} L_t={text} LM head {head}";
        var rng = new Random(seed);
        using var video = config.Vision.Kind == VisionKind.Vit
            ? LmTestData.Randn(rng, 1.0, batch, frames, config.Vision.Channels, config.Vision.Image, config.Vision.Image)
            : LmTestData.Randn(rng, 1.0, batch, frames, config.EncoderTokensPerFrame, config.Vision.Hidden);
        using var ids = LmTestData.Ids(rng, config.Llm.Vocab, batch, text);
        using var next = LmTestData.Ids(rng, config.Llm.Vocab, batch, 2);
        // All: the default forward (logits at every position); Last: the generation prefill (LogitsToKeep = 1).
        var options = new CostOptions(Batch: batch, LmHead: head, GeneratedTokens: 3, KvDtype: CostDtype.Float32, WeightDtype: CostDtype.Float32);
        int keep = head == LmHeadPositions.Last ? 1 : 0;

        using var cache = new KvCache();
        VideoTokenCounts? counts = null;
        long[]? logits = null;
        var prefill = CostMeasurement.Of(model, () =>
        {
            using var output = model.call(new VideoLmmInput(video, ids, LogitsToKeep: keep), cache);
            counts = output.Counts;
            logits = output.Logits.shape;
        });
        prefill.AssertEquals(CostModel.Prefill(config, frames, text, options), what + " prefill");
        // The paper's convention counts half the hook's FLOPs in the vision encoder and the LLM's linear layers.
        Assert.Equal(
            2 * PaperConvention.Of(CostModel.Estimate(config, frames, text, options)).Macs,
            PaperConvention.Counted.Sum(c => prefill.ByComponent[c]));
        Assert.Equal(head == LmHeadPositions.Last ? 1 : counts!.TotalSequence, logits![1]);

        var memory = CostModel.Memory(config, frames, text, options);
        Assert.Equal(memory.KvCacheBytes, CacheBytes(model, cache, config.Llm.Layers));

        var step0 = CostMeasurement.Of(model, () => model.Decode(next.narrow(1, 0, 1), cache));
        step0.AssertEquals(CostModel.DecodeStep(config, frames, text, 0, options), what + " decode step 0");
        var step1 = CostMeasurement.Of(model, () => model.Decode(next.narrow(1, 1, 1), cache));
        step1.AssertEquals(CostModel.DecodeStep(config, frames, text, 1, options), what + " decode step 1");
        Assert.Equal(step0.Total + step1.Total, CostModel.Decode(config, frames, text, options).Total);
        Assert.Equal(memory.FinalKvCacheBytes, CacheBytes(model, cache, config.Llm.Layers));

        var tokens = CostModel.Tokens(config, frames, text);
        Assert.Equal(tokens.StreamVisualTokens, counts!.VisualTokensInStream);
        Assert.Equal(tokens.StreamTextTokens, counts.TextTokens);
        Assert.Equal(tokens.StreamTokens, counts.TotalSequence);
        Assert.Equal(tokens.SourceTokens.OrderBy(kv => kv.Key), counts.SourceTokens.OrderBy(kv => kv.Key));
        Assert.Equal(model.Compressor.TokensFor(frames), tokens.CompressedTokens);
        Assert.Equal((long)frames * model.Compressor.InputTokensPerFrame, tokens.EncoderTokens);
        return prefill;
    }

    // Bytes of every cached key and value (self-attention and fusion slots) of the model's layers. V2V keeps
    // nothing past the prefill (decode steps have no visual queries), so it has no slot. A slot's name is the path of
    // its attention module below the layer: the module whose k_proj made the cached keys.
    private static long CacheBytes(VideoLmm model, KvCache cache, int layers)
    {
        var keys = model.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        long bytes = 0;
        for (int i = 0; i < layers; i++)
        {
            var layer = cache.Layer(i);
            foreach (var slot in layer.Filled)
            {
                Assert.Contains(keys, k => k.EndsWith($"layers.{i}.{slot.Name}.k_proj.weight", StringComparison.Ordinal));
                var (k, v, mask) = layer[slot].Get();
                bytes += k.numel() * k.element_size() + v.numel() * v.element_size();
                Assert.Null(mask);   // no padding: nothing else is cached
                k.Dispose();
                v.Dispose();
            }
        }

        return bytes;
    }
}
