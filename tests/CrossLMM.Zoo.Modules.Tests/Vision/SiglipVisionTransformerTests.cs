using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Tests.Support;
using CrossLMM.Zoo.Modules.Vision;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Vision;

/// <summary>Sizes of one ViT case: batch, frames, patch grid side, patch side, width (4 heads), layers, a seed.</summary>
public sealed record VitCase(int Batch, int Frames, int Grid, int Patch, int Hidden, int Layers, int Seed)
{
    public int Image => Grid * Patch;

    public static Arbitrary<VitCase> Arbitrary() =>
        (from b in Gen.Choose(1, 3)
         from t in Gen.Choose(1, 3)
         from g in Gen.Choose(1, 4)
         from p in Gen.Choose(1, 4)
         from h in Gen.Elements(16, 32, 48, 64)
         from l in Gen.Choose(1, 2)
         from seed in Gen.Choose(0, 1_000_000)
         select new VitCase(b, t, g, p, h, l, seed)).ToArbitrary();

    public SiglipVisionTransformer Build()
    {
        var vit = new SiglipVisionTransformer(Image, Patch, 3, Hidden, Layers, 4, 2 * Hidden, 1e-6);
        VisualTestData.Randomize(vit, Seed);
        return vit;
    }

    public Tensor Pixels(Random rng) => VisualTestData.Randn(rng, 1.0, Batch, Frames, 3, Image, Image);
}

public class SiglipVisionTransformerTests
{
    [Property(MaxTest = 20, Arbitrary = new[] { typeof(Arbitraries.VitCases) })]
    public void Vit_AnySizes_ReturnsPerFramePatchTokens(VitCase c)
    {
        using var vit = c.Build();
        using var frames = c.Pixels(new Random(c.Seed));
        using var tokens = vit.call(frames);
        TensorAssert.HasShape(new long[] { c.Batch, c.Frames, c.Grid * c.Grid, c.Hidden }, tokens);
        Assert.Equal(c.Grid * c.Grid, vit.TokensPerFrame);
        TensorAssert.AllFinite(tokens);
    }

    [Property(MaxTest = 8, Arbitrary = new[] { typeof(Arbitraries.VitCases) })]
    public void Vit_EncodesEveryFrameOnItsOwn(VitCase c)
    {
        using var vit = c.Build();
        using var frames = c.Pixels(new Random(c.Seed));
        using var tokens = vit.call(frames);
        for (int b = 0; b < c.Batch; b++) {
            for (int t = 0; t < c.Frames; t++) {
                using var one = frames.narrow(0, b, 1).narrow(1, t, 1);
                using var alone = vit.call(one);
                using var inBatch = tokens.narrow(0, b, 1).narrow(1, t, 1);
                TensorAssert.AllClose(alone, inBatch, rtol: 1e-5, atol: 1e-5, because: $"frame ({b}, {t})");
            }
        }
    }

    [Fact]
    public void Vit_Keys_AreHuggingFaceSiglipNames()
    {
        using var vit = new SiglipVisionTransformer(8, 4, 3, 16, 2, 4, 32, 1e-6);
        var expected = new List<string> { "embeddings.position_embedding.weight" };
        expected.AddRange(VisualTestData.WeightBias("embeddings.patch_embedding"));
        expected.AddRange(VisualTestData.WeightBias("post_layernorm"));
        for (int i = 0; i < 2; i++) {
            foreach (var n in new[] { "layer_norm1", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "layer_norm2", "mlp.fc1", "mlp.fc2" }) {
                expected.AddRange(VisualTestData.WeightBias($"encoder.layers.{i}.{n}"));
            }
        }
        Assert.Equal(VisualTestData.Sorted(expected), VisualTestData.Keys(vit));
        var sd = vit.state_dict();
        Assert.Equal(new long[] { 16, 3, 4, 4 }, sd["embeddings.patch_embedding.weight"].shape);
        Assert.Equal(new long[] { 4, 16 }, sd["embeddings.position_embedding.weight"].shape);
        Assert.Equal(new long[] { 32, 16 }, sd["encoder.layers.0.mlp.fc1.weight"].shape);
    }

    [Fact]
    public void Vit_MatchesAStraightforwardPyTorchSiglip()
    {
        var c = new VitCase(Batch: 2, Frames: 2, Grid: 3, Patch: 4, Hidden: 32, Layers: 2, Seed: 3);
        using var vit = c.Build();
        using var frames = c.Pixels(new Random(4));
        using var ours = vit.call(frames);
        var inputs = new Dictionary<string, Tensor> { ["frames"] = frames };
        foreach (var (k, v) in VisualTestData.Weights(vit)) inputs["w." + k] = v;
        const string snippet = """
            w = {k[2:]: v for k, v in inputs.items() if k.startswith('w.')}
            eps, heads = 1e-6, 4
            lin = lambda x, p: F.linear(x, w[p + '.weight'], w[p + '.bias'])
            ln = lambda x, p: F.layer_norm(x, (x.shape[-1],), w[p + '.weight'], w[p + '.bias'], eps)
            x = inputs['frames']
            b, t = x.shape[:2]
            x = x.flatten(0, 1)
            x = F.conv2d(x, w['embeddings.patch_embedding.weight'], w['embeddings.patch_embedding.bias'], stride=4)
            x = x.flatten(2).transpose(1, 2) + w['embeddings.position_embedding.weight']
            for i in range(2):
                p = f'encoder.layers.{i}'
                h = ln(x, p + '.layer_norm1')
                split = lambda z: z.reshape(z.shape[0], z.shape[1], heads, -1).transpose(1, 2)
                q, k, v = (split(lin(h, p + f'.self_attn.{n}_proj')) for n in 'qkv')
                a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]), -1) @ v
                x = x + lin(a.transpose(1, 2).reshape(h.shape), p + '.self_attn.out_proj')
                h = ln(x, p + '.layer_norm2')
                x = x + lin(F.gelu(lin(h, p + '.mlp.fc1'), approximate='tanh'), p + '.mlp.fc2')
            outputs['tokens'] = ln(x, 'post_layernorm').reshape(b, t, x.shape[1], x.shape[2])
            """;
        using var reference = PyTorchReference.Run(snippet, inputs);
        TensorAssert.AllClose(reference["tokens"], ours, rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void Vit_BadSizesAndInputs_QuoteTheValues()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new SiglipVisionTransformer(30, 8, 3, 32, 1, 4, 64, 1e-6));
        Assert.Contains("image (30) must be divisible by patch (8)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new SiglipVisionTransformer(32, 8, 3, 30, 1, 4, 64, 1e-6));
        Assert.Contains("hidden (30) must be divisible by heads (4)", e2.Message);
        using var vit = new SiglipVisionTransformer(8, 4, 3, 16, 1, 4, 32, 1e-6);
        using var wrong = torch.zeros(new long[] { 1, 2, 3, 9, 8 });
        var e3 = Assert.Throws<ArgumentException>(() => vit.call(wrong));
        Assert.Contains("frames [1, 2, 3, 9, 8] must be (B, T, 3, 8, 8)", e3.Message);
    }

    [Fact]
    public void Precomputed_PassesValidFeaturesThrough_AndRejectsOthers()
    {
        var config = new VisionConfig(VisionKind.Precomputed, 32, 8, 3, 24, 2, 4, 64, 1e-6);
        using var input = VisionFactory.Create(config);
        Assert.IsType<PrecomputedVisionFeatures>(input);
        Assert.Empty(VisualTestData.Keys(input));
        using var x = VisualTestData.Randn(new Random(1), 1.0, 2, 3, 16, 24);
        using var y = input.call(x);
        TensorAssert.Equal(x, y);
        using var wrong = torch.zeros(2, 3, 15, 24);
        var e = Assert.Throws<ArgumentException>(() => input.call(wrong));
        Assert.Contains("precomputed features [2, 3, 15, 24] must be (B, T, 16, 24)", e.Message);
        using var vit = VisionFactory.Create(config with { Kind = VisionKind.Vit });
        Assert.IsType<SiglipVisionTransformer>(vit);
        Assert.Equal(16, vit.TokensPerFrame);
        Assert.Equal(24, vit.Hidden);
        var bad = Assert.Throws<ArgumentException>(() => VisionFactory.Create(config with { Image = 30 }));
        Assert.Contains("vision.image (30) must be divisible by vision.patch (8)", bad.Message);
    }
}
