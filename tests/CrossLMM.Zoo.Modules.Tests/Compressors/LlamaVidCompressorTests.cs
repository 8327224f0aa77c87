using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

public class LlamaVidCompressorTests
{
    private const int TextWidth = 24;

    private static LlamaVidCompressor Build(LearnedQueryCase c)
    {
        var block = new LlamaVidCompressor(c.Grid, c.VisionWidth, TextWidth, c.Queries, c.Hidden, c.Layers, c.Heads, c.Mlp, 1e-6);
        VisualTestData.Randomize(block, c.Seed, scale: 0.3);
        return block;
    }

    // A prompt of 1–4 tokens, or none.
    private static Tensor? Prompt(Random rng, int batch, bool none = false) =>
        none ? null : VisualTestData.Randn(rng, 1.0, batch, 1 + rng.Next(4), TextWidth);

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void LlamaVid_AnySizes_EmitsTwoTokensPerFrameAtVisionWidth(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var block = Build(c);
        using var prompt = Prompt(rng, c.Batch, none: c.Seed % 3 == 0);
        using var output = block.call(x, prompt, null);
        TensorAssert.HasShape(new long[] { c.Batch, 2 * c.Frames, c.VisionWidth }, output.Tokens);
        Assert.Equal(2L * c.Frames, block.TokensFor(c.Frames));
        TensorAssert.AllFinite(output.Tokens);
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void LlamaVid_EqualPatches_ContextIsThatPatch_ForAnyPrompt(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var patch = VisualTestData.Randn(rng, 2.0, c.Batch, c.Frames, 1, c.VisionWidth);
        using var x = patch.expand(c.Batch, c.Frames, c.Patches, c.VisionWidth).contiguous();
        using var block = Build(c);
        foreach (var none in new[] { false, true }) {
            using var prompt = Prompt(rng, c.Batch, none);
            using var context = block.ContextFeatures(x, prompt);
            using var expected = patch.squeeze(2);
            TensorAssert.AllClose(expected, context, rtol: 1e-5, atol: 1e-5, because: none ? "no prompt" : "random prompt");
        }
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void LlamaVid_Context_IsAConvexCombinationOfTheFramesPatches(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var block = Build(c);
        using var prompt = Prompt(rng, c.Batch);
        using var context = block.ContextFeatures(x, prompt);                 // [b, t, d]
        using var low = x.amin(new long[] { 2 }).sub(1e-5);
        using var high = x.amax(new long[] { 2 }).add(1e-5);
        using var inside = context.ge(low).logical_and(context.le(high)).all();
        Assert.True(inside.item<bool>(), "every context channel lies between the frame's smallest and largest patch value");
        // the context token is the value projection of that combination
        using var output = block.call(x, prompt, null);
        using var contextTokens = output.Tokens.reshape(c.Batch, c.Frames, 2, c.VisionWidth).select(2, 0);
        var w = VisualTestData.Weights(block);
        using var projected = context.matmul(w["vlm_att_val_projector.weight"].t()).add(w["vlm_att_val_projector.bias"]);
        TensorAssert.AllClose(projected, contextTokens, rtol: 1e-5, atol: 1e-5);
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void LlamaVid_ContentToken_IsThePatchMean_AndIgnoresThePrompt_WhileTheContextReadsIt(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var block = Build(c);
        using var p1 = Prompt(rng, c.Batch);
        using var p2 = VisualTestData.Randn(rng, 1.0, c.Batch, 3, TextWidth);
        using var o1 = block.call(x, p1, null);
        using var o2 = block.call(x, p2, null);
        using var t1 = o1.Tokens.reshape(c.Batch, c.Frames, 2, c.VisionWidth);
        using var t2 = o2.Tokens.reshape(c.Batch, c.Frames, 2, c.VisionWidth);
        using var content1 = t1.select(2, 1);
        using var content2 = t2.select(2, 1);
        using var mean = x.mean(new long[] { 2 });
        TensorAssert.AllClose(mean, content1, rtol: 1e-5, atol: 1e-6, because: "content = patch mean");
        TensorAssert.Equal(content1, content2, "content token with another prompt");
        using var context1 = t1.select(2, 0);
        using var context2 = t2.select(2, 0);
        if (c.Patches > 1) {
            Assert.True(VisualTestData.MaxDiff(context1, context2) > 1e-6, "another prompt must move the context token");
        }
    }

    /// <summary>
    /// The text Q-Former's keys ignore padded prompt tokens: a prompt padded with arbitrary junk tokens on either
    /// side, with its padding mask, gives the tokens of the unpadded prompt. Without the mask the junk is read.
    /// </summary>
    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void LlamaVid_PaddedPrompt_WithItsMask_GivesTheUnpaddedTokens(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var scope = NewDisposeScope();
        var x = c.Features(rng);
        using var block = Build(c);
        int length = 1 + rng.Next(4), before = rng.Next(3), after = rng.Next(3);
        if (before + after == 0) {
            before = 1;
        }
        var prompt = VisualTestData.Randn(rng, 1.0, c.Batch, length, TextWidth);
        var padded = torch.cat(new[] {
            VisualTestData.Randn(rng, 5.0, c.Batch, before, TextWidth), prompt, VisualTestData.Randn(rng, 5.0, c.Batch, after, TextWidth) }, 1);
        var mask = torch.cat(new[] {
            torch.zeros(c.Batch, before, ScalarType.Bool), torch.ones(c.Batch, length, ScalarType.Bool), torch.zeros(c.Batch, after, ScalarType.Bool) }, 1);
        using var alone = block.call(x, prompt, null);
        using var masked = block.call(x, padded, mask);
        // Float32 rounding only (summation order over more keys, through 1-3 post-LN layers).
        TensorAssert.AllClose(alone.Tokens, masked.Tokens, rtol: 1e-3, atol: 1e-4, because: "padded prompt with its mask");
        using var unmasked = block.call(x, padded, null);
        if (c.Patches > 1) {   // one patch per frame: the context is that patch whatever the prompt
            double rounding = VisualTestData.MaxDiff(alone.Tokens, masked.Tokens);
            double read = VisualTestData.MaxDiff(alone.Tokens, unmasked.Tokens);
            Assert.True(read > 100 * rounding + 1e-6, $"without the mask the padding must be read: {read} vs rounding {rounding}");
        }
        // An all-true mask is no mask.
        using var allTrue = block.call(x, prompt, torch.ones(c.Batch, length, ScalarType.Bool));
        TensorAssert.AllClose(alone.Tokens, allTrue.Tokens, rtol: 1e-6, atol: 1e-7, because: "all-real mask");
    }

    [Fact]
    public void LlamaVid_BadPadding_QuotesTheShape()
    {
        using var block = new LlamaVidCompressor(2, 16, TextWidth, 3, 32, 1, 4, 64, 1e-6);
        using var x = torch.zeros(2, 1, 4, 16);
        using var prompt = torch.zeros(2, 5, TextWidth);
        using var padding = torch.ones(2, 4, ScalarType.Bool);
        var e = Assert.Throws<ArgumentException>(() => block.call(x, prompt, padding));
        Assert.Contains("prompt padding [2, 4] must be (B = 2, L = 5)", e.Message);
    }

    [Fact]
    public void LlamaVid_BadPrompt_QuotesTheShape()
    {
        using var block = new LlamaVidCompressor(2, 16, TextWidth, 3, 32, 1, 4, 64, 1e-6);
        using var x = torch.zeros(2, 1, 4, 16);
        using var prompt = torch.zeros(2, 5, 20);
        var e = Assert.Throws<ArgumentException>(() => block.call(x, prompt, null));
        Assert.Contains("prompt [2, 5, 20] must be (B = 2, L, 24)", e.Message);
    }

    [Fact]
    public void LlamaVid_Keys_FollowLlamaVid()
    {
        using var block = new LlamaVidCompressor(2, 16, TextWidth, 3, 32, 2, 4, 64, 1e-6);
        var keys = VisualTestData.Keys(block);
        var expected = new List<string> { "vlm_att_query" };
        foreach (var p in new[] { "vlm_att_text_projector", "vlm_att_ln", "vlm_att_encoder.layernorm", "vlm_att_projector", "vlm_att_key_projector", "vlm_att_val_projector" }) {
            expected.AddRange(VisualTestData.WeightBias(p));
        }
        for (int i = 0; i < 2; i++) {
            var p = $"vlm_att_encoder.encoder.layer.{i}.";
            var parts = i == 0 ? new[] { "attention", "crossattention" } : new[] { "attention" };
            foreach (var part in parts) {
                foreach (var n in new[] { "attention.query", "attention.key", "attention.value", "output.dense", "output.LayerNorm" }) {
                    expected.AddRange(VisualTestData.WeightBias(p + part + "." + n));
                }
            }
            foreach (var n in new[] { "intermediate_query.dense", "output_query.dense", "output_query.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm" }) {
                expected.AddRange(VisualTestData.WeightBias(p + n));
            }
        }
        Assert.Equal(VisualTestData.Sorted(expected), keys);
        var sd = block.state_dict();
        Assert.Equal(new long[] { 32, TextWidth }, sd["vlm_att_text_projector.weight"].shape);
        Assert.Equal(new long[] { 16, 32 }, sd["vlm_att_projector.weight"].shape);
        Assert.Equal(new long[] { 1, 3, 32 }, sd["vlm_att_query"].shape);
    }
}
