using System;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Core;

public class RotaryEmbeddingTests
{
    [Property(MaxTest = 12, Arbitrary = new[] { typeof(Arbitraries.SmallCasesUpToLength6) })]
    public void Rotation_PreservesNorms_AndScoresDependOnlyOnOffset(SmallCase c)
    {
        var rng = new Random(c.Seed);
        long d = c.Hidden / c.Heads;
        using var rope = new RotaryEmbedding(d, 10000);
        using var q = LmTestData.Randn(rng, 1.0, 1, 1, 1, d);
        using var k = LmTestData.Randn(rng, 1.0, 1, 1, 1, d);
        long shift = rng.Next(1, 50);
        using var p = torch.tensor(new long[] { c.Length, 0 }, new long[] { 1, 2 });
        using var pShift = p.add(shift);
        using var a = rope.call(p);
        using var b = rope.call(pShift);
        double Score(RotaryPositions r)
        {
            using var q1 = RotaryEmbedding.Apply(q, new RotaryPositions(r.Cos.narrow(1, 0, 1), r.Sin.narrow(1, 0, 1)));
            using var k1 = RotaryEmbedding.Apply(k, new RotaryPositions(r.Cos.narrow(1, 1, 1), r.Sin.narrow(1, 1, 1)));
            using var s = q1.mul(k1).sum();
            using var n = q1.norm();
            using var n0 = q.norm();
            LmTestData.Close(n0.item<float>(), n.item<float>(), 1e-5);
            return s.item<float>();
        }

        LmTestData.Close(Score(a), Score(b), 1e-4);
    }

    [Fact]
    public void Apply_MatchesHuggingFaceRotateHalf()
    {
        using var rope = new RotaryEmbedding(8, 10000);
        using var pos = torch.arange(0, 5, dtype: ScalarType.Int64).unsqueeze(0);
        using var r = rope.call(pos);
        Assert.Equal(new long[] { 1, 5, 8 }, r.Cos.shape);
        using var x = LmTestData.Randn(new Random(9), 1.0, 1, 2, 5, 8);
        using var y = RotaryEmbedding.Apply(x, r);
        // By hand: inv_freq = 1/10000^(2i/8), angle = p·inv_freq (repeated over halves), rotate_half = [-x2, x1].
        var xs = x.data<float>().ToArray();
        var ys = y.data<float>().ToArray();
        for (int h = 0; h < 2; h++)
        for (int p = 0; p < 5; p++)
        for (int i = 0; i < 8; i++)
        {
            int f = i % 4;
            double angle = p / Math.Pow(10000, 2.0 * f / 8);
            int baseIdx = (h * 5 + p) * 8;
            double partner = i < 4 ? -xs[baseIdx + i + 4] : xs[baseIdx + i - 4];
            double expected = xs[baseIdx + i] * Math.Cos(angle) + partner * Math.Sin(angle);
            LmTestData.Close(expected, ys[baseIdx + i], 1e-5);
        }
    }
}
