using System;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Language;

public class Qwen2DecoderLayerTests
{
    internal static LayerContext Context(long batch, long length, long headDim)
    {
        var positions = torch.arange(0, length, dtype: ScalarType.Int64).unsqueeze(0).expand(batch, length);
        return new LayerContext(new RotaryEmbedding(headDim).call(positions), AttentionMasks.Causal(length));
    }

    [Fact]
    public void Keys_AreExactlyHuggingFaceQwen2LayerKeys()
    {
        using var layer = new Qwen2DecoderLayer(LmTestData.Llm(hidden: 32));
        Assert.Equal(LmTestData.Sorted(LmTestData.Qwen2LayerKeys()), LmTestData.Keys(layer));
        var sd = layer.state_dict();
        Assert.Equal(new long[] { 16, 32 }, sd["self_attn.k_proj.weight"].shape);
        Assert.Equal(new long[] { 64, 32 }, sd["mlp.gate_proj.weight"].shape);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void Forward_AnySizes_KeepsShape_AndIsCausal(SmallCase c)
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new Qwen2DecoderLayer(LmTestData.Llm(hidden: c.Hidden));
        LmTestData.Randomize(layer, c.Seed);
        var rng = new Random(c.Seed);
        var x = LmTestData.Randn(rng, 1.0, c.Batch, c.Length, c.Hidden);
        var ctx = Context(c.Batch, c.Length, c.Hidden / c.Heads);
        var y = layer.call(x, ctx);
        Assert.Equal(x.shape, y.shape);
        int cut = rng.Next(0, c.Length);
        var changed = torch.cat(new[] { x.narrow(1, 0, cut), x.narrow(1, cut, c.Length - cut).mul(-3.0) }, 1);
        var y2 = layer.call(changed, ctx);
        Assert.True(TensorAssert.Identical(y.narrow(1, 0, cut), y2.narrow(1, 0, cut)));
    }

    [Fact]
    public void MatchesStraightforwardPyTorchQwen2Layer_GqaRopeSwiGlu()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new Qwen2DecoderLayer(LmTestData.Llm(hidden: 48));
        LmTestData.Randomize(layer, 42);
        var x = LmTestData.Randn(new Random(42), 1.0, 2, 7, 48);
        var y = layer.call(x, Context(2, 7, 12));
        var inputs = PyQwen2.Weights(layer, "l.").Append(("x", x)).ToArray();
        using var r = PyTorchReference.Run(
            PyQwen2.Prelude + """
            x = inputs['x']
            positions = torch.arange(x.shape[1])[None].expand(x.shape[0], -1)
            outputs['y'] = qwen2_layer(x, 'l.', 4, 2, positions)
            """,
            inputs);
        TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void SeededTinyLayer_PinnedGoldenValues()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new Qwen2DecoderLayer(LmTestData.Llm(hidden: 16));
        LmTestData.Randomize(layer, 2024);
        var x = LmTestData.Randn(new Random(2024), 1.0, 1, 3, 16);
        var y = layer.call(x, Context(1, 3, 4));
        var values = y.reshape(-1).to(ScalarType.Float64).data<double>().ToArray();
        // Pinned from this implementation (whose layer math the PyTorch cross-check above covers).
        double[] expectedHead = { GoldenValues.Qwen2Layer[0], GoldenValues.Qwen2Layer[1], GoldenValues.Qwen2Layer[2], GoldenValues.Qwen2Layer[3] };
        for (int i = 0; i < expectedHead.Length; i++)
        {
            LmTestData.Close(expectedHead[i], values[i], 1e-5);
        }

        LmTestData.Close(GoldenValues.Qwen2LayerSum, values.Sum(), 1e-5);
        LmTestData.Close(GoldenValues.Qwen2LayerLast, values[^1], 1e-5);
    }
}
