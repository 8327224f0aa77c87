using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Support;

/// <summary>
/// Deterministic data for the vision, compressor and projector tests: tensors and weights come from a
/// seeded <see cref="Random"/>, never from libtorch's global generator, so parallel tests cannot disturb
/// each other and every counterexample FsCheck reports can be replayed from its seed.
/// </summary>
public static class VisualTestData
{
    /// <summary>Standard normal values (Box–Muller) times <paramref name="scale"/>, float32.</summary>
    public static Tensor Randn(Random rng, double scale, params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (long i = 0; i < n; i++) {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return torch.tensor(values, shape);
    }

    /// <summary>
    /// Overwrites every parameter with seeded values: LayerNorm weights 1 ± noise, everything else
    /// N(0, scale²) (biases included, so a test cannot pass because a bias happens to be zero).
    /// </summary>
    public static void Randomize(nn.Module module, int seed, double scale = 0.2)
    {
        var rng = new Random(seed);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in module.named_parameters().OrderBy(x => x.name, StringComparer.Ordinal)) {
            using var values = Randn(rng, scale, p.shape);
            if (IsNormWeight(name, p)) {
                using var shifted = values.mul(0.5).add(1.0);
                p.copy_(shifted);
            } else {
                p.copy_(values);
            }
        }
    }

    /// <summary>The state-dict keys of a module, sorted.</summary>
    public static string[] Keys(nn.Module module) => module.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>A sorted copy of expected keys, to compare with <see cref="Keys"/>.</summary>
    public static string[] Sorted(IEnumerable<string> keys) => keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary><c>prefix.weight</c> and <c>prefix.bias</c>.</summary>
    public static IEnumerable<string> WeightBias(string prefix) => new[] { prefix + ".weight", prefix + ".bias" };

    /// <summary>The parameters of a module as a name → tensor map (live tensors; do not dispose).</summary>
    public static Dictionary<string, Tensor> Weights(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);

    /// <summary>Largest absolute element of a tensor.</summary>
    public static double MaxAbs(Tensor t)
    {
        using var a = t.abs().max().to(ScalarType.Float64);
        return a.item<double>();
    }

    /// <summary>Largest absolute difference of two tensors of one shape.</summary>
    public static double MaxDiff(Tensor a, Tensor b)
    {
        using var d = a.sub(b);
        return MaxAbs(d);
    }

    /// <summary>A random permutation of 0..n-1 as an int64 tensor.</summary>
    public static Tensor Permutation(Random rng, long n)
    {
        var order = Enumerable.Range(0, (int)n).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray();
        return torch.tensor(order);
    }

    private static bool IsNormWeight(string name, Tensor p) =>
        p.ndim == 1 && name.EndsWith(".weight", StringComparison.Ordinal) &&
        (name.Contains("norm", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_ln.weight", StringComparison.Ordinal) ||
         name.EndsWith(".0.weight", StringComparison.Ordinal) /* the Perceiver FFN's LayerNorm (Sequential index 0) */);
}
