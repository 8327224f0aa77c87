using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Compressors;

public class PerceiverCompressorTests
{
    private const int MaxFrames = 8;

    private static PerceiverCompressor Build(LearnedQueryCase c, Granularity per)
    {
        var block = new PerceiverCompressor(c.Grid, c.VisionWidth, c.Queries, per, MaxFrames, c.Hidden, c.Layers, c.Heads, c.Mlp, 1e-5);
        VisualTestData.Randomize(block, c.Seed);
        return block;
    }

    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCases) })]
    public void Perceiver_AnySizes_EmitsLatentsPerVideoOrPerFrame(LearnedQueryCase c)
    {
        using var x = c.Features(new Random(c.Seed));
        using var perVideo = Build(c, Granularity.Video);
        using var video = perVideo.call(x, null, null);
        TensorAssert.HasShape(new long[] { c.Batch, c.Queries, c.Hidden }, video.Tokens, "per video");
        Assert.Equal(c.Queries, perVideo.TokensFor(c.Frames));
        using var perFrame = Build(c, Granularity.Frame);
        using var frame = perFrame.call(x, null, null);
        TensorAssert.HasShape(new long[] { c.Batch, c.Frames * c.Queries, c.Hidden }, frame.Tokens, "per frame");
        Assert.Equal((long)c.Frames * c.Queries, perFrame.TokensFor(c.Frames));
        TensorAssert.AllFinite(video.Tokens);
    }

    [Property(MaxTest = 15, Arbitrary = new[] { typeof(Arbitraries.LearnedQueryCasesFromTwoFrames) })]
    public void Perceiver_PermutingPatchesWithinFrames_LeavesOutputsUnchanged_ButSwappingFramesDoesNot(LearnedQueryCase c)
    {
        var rng = new Random(c.Seed);
        using var x = c.Features(rng);
        using var perm = VisualTestData.Permutation(rng, c.Patches);
        using var shuffled = x.index_select(2, perm);
        foreach (var per in new[] { Granularity.Video, Granularity.Frame }) {
            using var block = Build(c, per);
            using var a = block.call(x, null, null);
            using var b = block.call(shuffled, null, null);
            TensorAssert.AllClose(a.Tokens, b.Tokens, rtol: 1e-4, atol: 1e-5, because: per.ToString());
        }
        // the time embedding makes frame order visible
        using var reversed = x.flip(1);
        using var video = Build(c, Granularity.Video);
        using var forward = video.call(x, null, null);
        using var backward = video.call(reversed, null, null);
        Assert.True(VisualTestData.MaxDiff(forward.Tokens, backward.Tokens) > 1e-4, "reversing the frames must change the latents");
    }

    [Fact]
    public void Perceiver_MoreFramesThanTheTimeEmbedding_Throws()
    {
        using var block = new PerceiverCompressor(2, 16, 3, Granularity.Video, 4, 32, 1, 4, 64, 1e-5);
        using var x = torch.zeros(1, 5, 4, 16);
        var e = Assert.Throws<ArgumentException>(() => block.call(x, null, null));
        Assert.Contains("frames (5) must be ≤ compressor.max_frames (4): the perceiver's time embedding has no row for later frames: features", e.Message);
    }

    [Fact]
    public void Perceiver_Keys_FollowOpenFlamingo()
    {
        using var block = new PerceiverCompressor(2, 16, 3, Granularity.Video, 4, 32, 2, 4, 64, 1e-5);
        var expected = new List<string> { "frame_embs", "latents", "norm.weight", "norm.bias" };
        expected.AddRange(VisualTestData.WeightBias("media_proj"));
        for (int i = 0; i < 2; i++) {
            expected.AddRange(VisualTestData.WeightBias($"layers.{i}.0.norm_media"));
            expected.AddRange(VisualTestData.WeightBias($"layers.{i}.0.norm_latents"));
            expected.Add($"layers.{i}.0.to_q.weight");
            expected.Add($"layers.{i}.0.to_kv.weight");
            expected.Add($"layers.{i}.0.to_out.weight");
            expected.AddRange(VisualTestData.WeightBias($"layers.{i}.1.0"));
            expected.Add($"layers.{i}.1.1.weight");
            expected.Add($"layers.{i}.1.3.weight");
        }
        Assert.Equal(VisualTestData.Sorted(expected), VisualTestData.Keys(block));
        var sd = block.state_dict();
        Assert.Equal(new long[] { 4, 32 }, sd["frame_embs"].shape);
        Assert.Equal(new long[] { 3, 32 }, sd["latents"].shape);
        Assert.Equal(new long[] { 64, 32 }, sd["layers.0.0.to_kv.weight"].shape);
    }

    [Fact]
    public void Perceiver_MatchesOpenFlamingoStylePyTorch()
    {
        var c = new LearnedQueryCase(Batch: 2, Frames: 3, Grid: 2, VisionWidth: 24, Hidden: 32, Layers: 2, Queries: 5, Seed: 21);
        using var perVideo = Build(c, Granularity.Video);
        using var perFrame = Build(c with { Seed = 22 }, Granularity.Frame);
        using var x = c.Features(new Random(9));
        using var oursVideo = perVideo.call(x, null, null);
        using var oursFrame = perFrame.call(x, null, null);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var (k, v) in VisualTestData.Weights(perVideo)) inputs["v." + k] = v;
        foreach (var (k, v) in VisualTestData.Weights(perFrame)) inputs["f." + k] = v;
        // OpenFlamingo's PerceiverAttention: scaled q, max-subtracted softmax over [media; latents]
        const string snippet = """
            eps, heads = 1e-5, 4
            def run(w, per_frame):
                ln = lambda x, p: F.layer_norm(x, (x.shape[-1],), w[p + '.weight'], w[p + '.bias'], eps)
                x = inputs['x']
                b, t, n, d = x.shape
                x = F.linear(x, w['media_proj.weight'], w['media_proj.bias']) + w['frame_embs'][:t].unsqueeze(1)
                h = x.shape[-1]
                x = x.reshape(b * t, n, h) if per_frame else x.reshape(b, t * n, h)
                lat = w['latents'].unsqueeze(0).expand(x.shape[0], -1, -1)
                for i in range(2):
                    p = f'layers.{i}'
                    m, l = ln(x, p + '.0.norm_media'), ln(lat, p + '.0.norm_latents')
                    q = F.linear(l, w[p + '.0.to_q.weight'])
                    k, v = F.linear(torch.cat([m, l], dim=-2), w[p + '.0.to_kv.weight']).chunk(2, dim=-1)
                    split = lambda z: z.reshape(z.shape[0], z.shape[1], heads, -1).transpose(1, 2)
                    q, k, v = split(q), split(k), split(v)
                    q = q * (q.shape[-1] ** -0.5)
                    sim = q @ k.transpose(-1, -2)
                    sim = sim - sim.amax(dim=-1, keepdim=True).detach()
                    out = (sim.softmax(dim=-1) @ v).transpose(1, 2).reshape(l.shape)
                    lat = F.linear(out, w[p + '.0.to_out.weight']) + lat
                    ff = F.linear(F.gelu(F.linear(ln(lat, p + '.1.0'), w[p + '.1.1.weight'])), w[p + '.1.3.weight'])
                    lat = ff + lat
                return ln(lat, 'norm').reshape(b, -1, h)
            weights = lambda prefix: {k[len(prefix):]: v for k, v in inputs.items() if k.startswith(prefix)}
            outputs['video'] = run(weights('v.'), False)
            outputs['frame'] = run(weights('f.'), True)
            """;
        using var reference = PyTorchReference.Run(snippet, inputs);
        TensorAssert.AllClose(reference["video"], oursVideo.Tokens, rtol: 1e-5, atol: 1e-5, because: "per video");
        TensorAssert.AllClose(reference["frame"], oursFrame.Tokens, rtol: 1e-5, atol: 1e-5, because: "per frame");
    }
}
