using System;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Core;

public class NormAndMlpTests
{
    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCases) })]
    public void RMSNorm_AnyInput_EqualsDefinitionAndHasUnitRms(SmallCase c)
    {
        var rng = new Random(c.Seed);
        using var norm = new RMSNorm(c.Hidden, 1e-6);
        LmTestData.Randomize(norm, c.Seed);
        using var x = LmTestData.Randn(rng, 3.0, c.Batch, c.Length, c.Hidden);
        using var y = norm.call(x);
        using var rms = x.pow(2).mean(new long[] { -1 }, keepdim: true).add(1e-6).rsqrt();
        using var expected = x.mul(rms).mul(norm.Weight);
        TensorAssert.AllClose(expected, y, rtol: 1e-5, atol: 1e-6);
        Assert.Equal(new[] { "weight" }, LmTestData.Keys(norm));
    }

    [Fact]
    public void RMSNorm_Float64Input_KeepsDtypeAndComputesInFloat32()
    {
        using var norm = new RMSNorm(8);
        using var x = torch.linspace(-2, 2, 16, ScalarType.Float64).reshape(2, 8);
        using var y = norm.call(x);
        Assert.Equal(ScalarType.Float64, y.dtype);
        using var x32 = x.to(ScalarType.Float32);
        using var y32 = norm.call(x32);
        using var back = y32.to(ScalarType.Float64);
        TensorAssert.Equal(back, y);
    }

    [Fact]
    public void Constructors_BadSizes_QuoteTheValues()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new GroupedQueryAttention(1000, 12, 4));
        Assert.Contains("hidden (1000) must be divisible by heads (12)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new GroupedQueryAttention(48, 12, 5));
        Assert.Contains("heads (12) must be divisible by kvHeads (5)", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new SwiGluMlp(0, 8));
        Assert.Contains("hidden (0) must be ≥ 1", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new RotaryEmbedding(7));
        Assert.Contains("headDim (7) must be even", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => new RMSNorm(8, 0));
        Assert.Contains("eps (0) must be > 0", e5.Message);
        var e6 = Assert.Throws<ArgumentException>(() => new GeluMlp(8, 16, approximate: "erf"));
        Assert.Contains("approximate ('erf')", e6.Message);
    }

    [Fact]
    public void SwiGluMlp_KeysAndDefinition()
    {
        using var mlp = new SwiGluMlp(16, 24);
        LmTestData.Randomize(mlp, 3);
        Assert.Equal(LmTestData.Sorted(new[] { "down_proj.weight", "gate_proj.weight", "up_proj.weight" }), LmTestData.Keys(mlp));
        var sd = mlp.state_dict();
        Assert.Equal(new long[] { 24, 16 }, sd["gate_proj.weight"].shape);
        Assert.Equal(new long[] { 16, 24 }, sd["down_proj.weight"].shape);
        using var x = LmTestData.Randn(new Random(1), 1.0, 2, 5, 16);
        using var y = mlp.call(x);
        using var gate = x.matmul(sd["gate_proj.weight"].t());
        using var up = x.matmul(sd["up_proj.weight"].t());
        using var expected = nn.functional.silu(gate).mul(up).matmul(sd["down_proj.weight"].t());
        TensorAssert.AllClose(expected, y, rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void GeluMlp_SiglipKeys_TanhAndExactForms()
    {
        using var tanhMlp = new GeluMlp(16, 40, "tanh");
        using var exact = new GeluMlp(16, 40, "none", output: 8);
        Assert.Equal(LmTestData.Sorted(new[] { "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight" }), LmTestData.Keys(tanhMlp));
        Assert.Equal(new long[] { 8, 40 }, exact.state_dict()["fc2.weight"].shape);
        using var x = LmTestData.Randn(new Random(2), 2.0, 3, 16);
        using var g = GeluMlp.GeluTanh(x);
        using var reference = nn.functional.gelu(x, GELU.Approximate.tanh);
        TensorAssert.AllClose(reference, g, rtol: 1e-6, atol: 1e-7);
        using var y = exact.call(x);
        Assert.Equal(new long[] { 3, 8 }, y.shape);
    }

    [Fact]
    public void TanhGate_Zero_IsExactlyZero_AndBounded()
    {
        using var gate = new TanhGate();
        using var x = LmTestData.Randn(new Random(4), 100.0, 4, 7);
        using var y = gate.call(x);
        using var zeros = torch.zeros_like(x);
        Assert.True(TensorAssert.Identical(zeros, y));
        Assert.Equal(new[] { "alpha" }, LmTestData.Keys(gate));
        using var open = new TanhGate(50.0);
        using var z = open.call(x);
        Assert.True(z.abs().le(x.abs()).all().item<bool>());
    }

    [Fact]
    public void HybridGate_ZeroBeta_IsExactlyZeroPerToken()
    {
        using var gate = new HybridGate(16);
        LmTestData.Randomize(gate, 5);
        using var x = LmTestData.Randn(new Random(5), 3.0, 2, 6, 16);
        using var g = gate.call(x);
        Assert.Equal(new long[] { 2, 6, 1 }, g.shape);
        using var zeros = torch.zeros(2, 6, 1);
        Assert.True(TensorAssert.Identical(zeros, g));
        Assert.Equal(LmTestData.Sorted(new[] { "beta", "proj.bias", "proj.weight" }), LmTestData.Keys(gate));
    }
}
