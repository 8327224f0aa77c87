using System;
using System.Linq;
using TorchSharp;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// Finite-difference gradient check in float64: the autograd gradient of L(x) = Σ f(x)·w (w a fixed random
/// projection of the output, so every output element is exercised) is compared with the central difference
/// (L(x + εeᵢ) − L(x − εeᵢ)) / 2ε for every element of every checked input.
/// </summary>
internal static class Gradcheck
{
    /// <summary>
    /// Checks <paramref name="f"/> at <paramref name="inputs"/> (float64; copied, never modified). Only floating
    /// inputs whose index is in <paramref name="wrt"/> (default: all floating ones) are differentiated; the others are
    /// passed as they are (indices, masks). Throws with the worst element when |analytic − numeric| exceeds
    /// atol + rtol·|numeric|.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, int[]? wrt = null, double eps = 1e-6, double rtol = 1e-6, double atol = 1e-8)
    {
        using var scope = NewDisposeScope();
        wrt ??= Enumerable.Range(0, inputs.Length).Where(i => inputs[i].dtype == ScalarType.Float64).ToArray();
        foreach (var i in wrt)
            if (inputs[i].dtype != ScalarType.Float64)
                throw new ArgumentException($"gradcheck: input {i} is {inputs[i].dtype}; finite differences need float64");

        var xs = inputs.Select((t, i) => wrt.Contains(i) ? t.detach().clone().requires_grad_(true) : t).ToArray();
        Tensor projection;
        using (no_grad()) {
            var shape = f(xs).shape;
            var rng = new Random(1234);
            var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            projection = tensor(values, shape, ScalarType.Float64);
        }

        double Loss()
        {
            using var inner = NewDisposeScope();
            using (no_grad()) return (f(xs) * projection).sum().item<double>();
        }

        (f(xs) * projection).sum().backward();
        foreach (var i in wrt) Compare(xs[i], $"input {i}", Loss, eps, rtol, atol);
    }

    /// <summary>
    /// Checks the gradients of module parameters (float64) of L = Σ f()·w, perturbing each parameter in place and
    /// restoring it.
    /// </summary>
    public static void CheckParameters(Func<Tensor> f, double eps = 1e-6, double rtol = 1e-6, double atol = 1e-8, params (string name, Tensor parameter)[] parameters)
    {
        using var scope = NewDisposeScope();
        Tensor projection;
        using (no_grad()) {
            var shape = f().shape;
            var rng = new Random(4321);
            var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            projection = tensor(values, shape, ScalarType.Float64);
        }
        double Loss()
        {
            using var inner = NewDisposeScope();
            using (no_grad()) return (f() * projection).sum().item<double>();
        }
        foreach (var (_, p) in parameters) p.grad = null;
        (f() * projection).sum().backward();
        foreach (var (name, p) in parameters) Compare(p, name, Loss, eps, rtol, atol);
    }

    private static void Compare(Tensor x, string what, Func<double> loss, double eps, double rtol, double atol)
    {
        var analytic = x.grad is { } g ? g.ToArray<double>() : new double[x.numel()];
        var data = x.data<double>();
        double worst = 0;
        string? report = null;
        for (long j = 0; j < data.Count; j++) {
            var orig = data[j];
            data[j] = orig + eps;
            var plus = loss();
            data[j] = orig - eps;
            var minus = loss();
            data[j] = orig;
            var numeric = (plus - minus) / (2 * eps);
            var err = Math.Abs(analytic[j] - numeric);
            var excess = err - (atol + rtol * Math.Abs(numeric));
            if (excess > worst) {
                worst = excess;
                report = $"gradcheck failed for {what} (shape [{string.Join(", ", x.shape)}]) at flat index {j}: " +
                         $"autograd {analytic[j]:R}, finite difference {numeric:R}, |diff| {err:E3} > {atol} + {rtol}·|fd|";
            }
        }
        if (report is not null) throw new XunitException(report);
    }

    /// <summary>float64 standard-normal values of <paramref name="shape"/> from a fixed seed.</summary>
    public static Tensor Randn(int seed, params long[] shape)
    {
        var rng = new Random(seed);
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (var i = 0; i < n; i++) {
            // Box–Muller
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            values[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return tensor(values, shape, ScalarType.Float64);
    }
}
