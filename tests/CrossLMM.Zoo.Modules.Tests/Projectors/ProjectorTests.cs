using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Projectors;

public class ProjectorTests
{
    private static Tensor Activate(Tensor x, Activation activation) => activation switch {
        Activation.Gelu => nn.functional.gelu(x),
        Activation.GeluTanh => nn.functional.gelu(x, GELU.Approximate.tanh), // the engine's fused kernel, not the block's composed form
        Activation.Silu => nn.functional.silu(x),
        Activation.Relu => nn.functional.relu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>Random MLP projector configs and sizes (replaying a failure: see <see cref="Arbitraries"/>).</summary>
    public static class MlpCases
    {
        public static Arbitrary<(int input, int output, int depth, Activation activation, ProjectorNorm norm, int tokens, int seed)> Case() =>
            (from input in Gen.Elements(16, 32, 48, 64)
             from output in Gen.Elements(16, 32, 48, 64)
             from depth in Gen.Choose(1, 3)
             from activation in Gen.Elements(Enum.GetValues<Activation>())
             from norm in Gen.Elements(ProjectorNorm.None, ProjectorNorm.LayerNorm)
             from tokens in Gen.Choose(1, 6)
             from seed in Gen.Choose(0, 1_000_000)
             select (input, output, depth, activation, norm, tokens, seed)).ToArbitrary();
    }

    [Property(MaxTest = 40, Arbitrary = new[] { typeof(MlpCases) })]
    public void Mlp_AnyConfig_EqualsItsDefinition((int input, int output, int depth, Activation activation, ProjectorNorm norm, int tokens, int seed) c)
    {
        var config = new MlpProjectorConfig(c.depth, c.activation, c.norm);
        using var projector = ProjectorFactory.Create(config, c.input, c.output);
        Assert.IsType<MlpProjector>(projector);
        VisualTestData.Randomize(projector, c.seed);
        using var x = VisualTestData.Randn(new Random(c.seed), 1.0, 2, c.tokens, c.input);
        using var y = projector.call(x);
        using var scope = torch.NewDisposeScope();
        var w = VisualTestData.Weights(projector);
        var h = c.norm == ProjectorNorm.LayerNorm
            ? nn.functional.layer_norm(x, new long[] { c.input }, w["norm.weight"], w["norm.bias"], 1e-5)
            : x;
        for (int i = 1; i <= c.depth; i++) {
            h = h.matmul(w[$"linear_{i}.weight"].t()).add(w[$"linear_{i}.bias"]);
            if (i < c.depth) h = Activate(h, c.activation);
        }
        TensorAssert.AllClose(h, y, rtol: 1e-5, atol: 1e-5);
        var expectedKeys = Enumerable.Range(1, c.depth).SelectMany(i => VisualTestData.WeightBias($"linear_{i}")).ToList();
        if (c.norm == ProjectorNorm.LayerNorm) expectedKeys.AddRange(VisualTestData.WeightBias("norm"));
        Assert.Equal(VisualTestData.Sorted(expectedKeys), VisualTestData.Keys(projector));
    }

    [Fact]
    public void Mlp_DefaultIsLlavaMlp2xGelu()
    {
        using var projector = new MlpProjector(24, 32);
        Assert.Equal(2, projector.Depth);
        Assert.Equal(new[] { "linear_1.bias", "linear_1.weight", "linear_2.bias", "linear_2.weight" }, VisualTestData.Keys(projector));
        var sd = projector.state_dict();
        Assert.Equal(new long[] { 32, 24 }, sd["linear_1.weight"].shape);
        Assert.Equal(new long[] { 32, 32 }, sd["linear_2.weight"].shape);
    }

    [Fact]
    public void Linear_EqualsADepthOneMlp()
    {
        using var linear = ProjectorFactory.Create(new LinearProjectorConfig(), 24, 32);
        Assert.IsType<LinearProjector>(linear);
        using var mlp = new MlpProjector(24, 32, depth: 1);
        Assert.Equal(VisualTestData.Keys(mlp), VisualTestData.Keys(linear));
        VisualTestData.Randomize(linear, 5);
        mlp.load_state_dict(linear.state_dict());
        using var x = VisualTestData.Randn(new Random(2), 1.0, 3, 4, 24);
        using var a = linear.call(x);
        using var b = mlp.call(x);
        TensorAssert.Equal(a, b);
        Assert.Equal((24, 32), (linear.InputWidth, linear.OutputWidth));
    }

    [Fact]
    public void Projectors_BadSizes_QuoteTheValues()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new MlpProjector(24, 32, depth: 0));
        Assert.Contains("depth (0) must be ≥ 1", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => ProjectorFactory.Create(new MlpProjectorConfig(0, Activation.Gelu, ProjectorNorm.None), 24, 32));
        Assert.Contains("projector.depth (0) must be ≥ 1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new LinearProjector(0, 32));
        Assert.Contains("inputWidth (0) must be ≥ 1", e3.Message);
    }
}
