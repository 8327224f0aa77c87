using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace CrossLMM.Testing;

/// <summary>
/// Assertions over tensors that explain a failure: the shapes, how many elements differ, the largest
/// absolute and relative differences with their positions, and the expected/actual values at the worst
/// element. Failures throw xunit's <see cref="XunitException"/>. Values are compared in float64 on the
/// CPU (any dtype but complex, any device, any layout; gradients are ignored).
/// </summary>
public static class TensorAssert
{
    /// <summary>
    /// Asserts <c>|actual − expected| ≤ atol + rtol·|expected|</c> for every element (torch.allclose's rule)
    /// and equal shapes. NaNs are equal to each other only with <paramref name="equalNan"/>; infinities
    /// must match exactly.
    /// </summary>
    /// <param name="expected">The reference values (e.g. from PyTorch).</param>
    /// <param name="actual">The values under test.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance (needed near zero, where a relative bound is meaningless).</param>
    /// <param name="equalNan">Whether NaN equals NaN.</param>
    /// <param name="because">A label for the message (which quantity this is).</param>
    public static void AllClose(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false, string? because = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        CheckShapes(expected.shape, actual.shape, because);
        var e = ToDoubles(expected);
        var a = ToDoubles(actual);
        var report = Compare(e, a, rtol, atol, equalNan);
        if (report.Failures == 0) return;
        throw new XunitException(Describe($"AllClose(rtol: {G(rtol)}, atol: {G(atol)}) failed", because, expected.shape, expected.dtype, actual.dtype, e, a, report));
    }

    /// <summary>As <see cref="AllClose(Tensor, Tensor, double, double, bool, string?)"/>, against .NET values and a shape.</summary>
    public static void AllClose(double[] expected, long[] expectedShape, Tensor actual, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false, string? because = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Length != expectedShape.Aggregate(1L, (x, y) => x * y))
            throw new ArgumentException($"{expected.Length} expected values do not fill shape {Shape(expectedShape)}", nameof(expected));
        CheckShapes(expectedShape, actual.shape, because);
        var a = ToDoubles(actual);
        var report = Compare(expected, a, rtol, atol, equalNan);
        if (report.Failures == 0) return;
        throw new XunitException(Describe($"AllClose(rtol: {G(rtol)}, atol: {G(atol)}) failed", because, expectedShape, ScalarType.Float64, actual.dtype, expected, a, report));
    }

    /// <summary>Asserts identical shape, dtype and values (bitwise for floats, except that any NaN equals any NaN).</summary>
    public static void Equal(Tensor expected, Tensor actual, string? because = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        CheckShapes(expected.shape, actual.shape, because);
        if (expected.dtype != actual.dtype)
            throw new XunitException($"Equal failed{Label(because)}: dtype {actual.dtype} differs from the expected {expected.dtype} (shape {Shape(expected.shape)})");
        var e = ToDoubles(expected);
        var a = ToDoubles(actual);
        var report = Compare(e, a, 0, 0, equalNan: true);
        if (report.Failures == 0) return;
        throw new XunitException(Describe("Equal failed", because, expected.shape, expected.dtype, actual.dtype, e, a, report));
    }

    /// <summary>Asserts the shape of <paramref name="actual"/>.</summary>
    public static void HasShape(long[] expected, Tensor actual, string? because = null) => CheckShapes(expected, actual.shape, because);

    /// <summary>Asserts that no element is NaN or infinite.</summary>
    public static void AllFinite(Tensor actual, string? because = null)
    {
        var a = ToDoubles(actual);
        var bad = Array.FindIndex(a, v => !double.IsFinite(v));
        if (bad < 0) return;
        var count = a.Count(v => !double.IsFinite(v));
        throw new XunitException($"AllFinite failed{Label(because)}: {count} of {a.Length} elements are not finite; first at {Index(bad, actual.shape)} = {G(a[bad])}");
    }

    // ---- internals ----

    private readonly record struct Report(int Failures, int Worst, int MaxAbsAt, double MaxAbs, int MaxRelAt, double MaxRel);

    private static Report Compare(double[] e, double[] a, double rtol, double atol, bool equalNan)
    {
        int failures = 0, worst = -1, maxAbsAt = -1, maxRelAt = -1;
        double worstExcess = double.NegativeInfinity, maxAbs = 0, maxRel = 0;
        for (var i = 0; i < e.Length; i++) {
            double x = e[i], y = a[i];
            bool ok;
            double diff;
            if (double.IsNaN(x) || double.IsNaN(y)) {
                ok = equalNan && double.IsNaN(x) && double.IsNaN(y);
                diff = ok ? 0 : double.PositiveInfinity;
            } else if (double.IsInfinity(x) || double.IsInfinity(y)) {
                ok = x == y;
                diff = ok ? 0 : double.PositiveInfinity;
            } else {
                diff = Math.Abs(y - x);
                ok = diff <= atol + rtol * Math.Abs(x);
            }
            if (diff > maxAbs || maxAbsAt < 0 && diff > 0) { maxAbs = diff; maxAbsAt = i; }
            var rel = diff == 0 ? 0 : x == 0 ? double.PositiveInfinity : diff / Math.Abs(x);
            if (rel > maxRel) { maxRel = rel; maxRelAt = i; }
            if (ok) continue;
            failures++;
            var excess = double.IsInfinity(diff) ? double.PositiveInfinity : diff - (atol + rtol * Math.Abs(x));
            if (worst < 0 || excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        return new Report(failures, worst, maxAbsAt, maxAbs, maxRelAt, maxRel);
    }

    private static string Describe(string what, string? because, long[] shape, ScalarType expectedType, ScalarType actualType,
        double[] e, double[] a, Report r)
    {
        var sb = new StringBuilder();
        sb.Append(what).Append(Label(because)).Append(": ");
        sb.Append(CultureInfo.InvariantCulture, $"{r.Failures} of {e.Length} elements differ (shape {Shape(shape)}, expected {expectedType}, actual {actualType})");
        sb.Append(CultureInfo.InvariantCulture, $"\n  max abs diff {G(r.MaxAbs)}");
        if (r.MaxAbsAt >= 0) sb.Append(CultureInfo.InvariantCulture, $" at {Index(r.MaxAbsAt, shape)} (expected {G(e[r.MaxAbsAt])}, actual {G(a[r.MaxAbsAt])})");
        sb.Append(CultureInfo.InvariantCulture, $"\n  max rel diff {G(r.MaxRel)}");
        if (r.MaxRelAt >= 0) sb.Append(CultureInfo.InvariantCulture, $" at {Index(r.MaxRelAt, shape)} (expected {G(e[r.MaxRelAt])}, actual {G(a[r.MaxRelAt])})");
        if (r.Worst >= 0) sb.Append(CultureInfo.InvariantCulture, $"\n  worst violation at {Index(r.Worst, shape)}: expected {G(e[r.Worst])}, actual {G(a[r.Worst])}");
        return sb.ToString();
    }

    private static void CheckShapes(long[] expected, long[] actual, string? because)
    {
        if (!expected.SequenceEqual(actual))
            throw new XunitException($"shape mismatch{Label(because)}: expected {Shape(expected)}, actual {Shape(actual)}");
    }

    /// <summary>
    /// PyTorch's <c>torch.equal</c>: the same shape, the same dtype and every element equal (NaN equals nothing).
    /// TorchSharp's <c>torch.equal</c> is element-wise and returns a tensor, so tests use this.
    /// </summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = NewDisposeScope();
        return a.numel() == 0 || a.eq(b).all().item<bool>();
    }

    /// <summary>The largest |a − b| over the elements (shapes must match).</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        CheckShapes(a.shape, b.shape, null);
        using var scope = NewDisposeScope();
        return a.numel() == 0 ? 0 : a.to(ScalarType.Float64).sub(b.to(ScalarType.Float64)).abs().max().item<double>();
    }

    private static double[] ToDoubles(Tensor t)
    {
        if (t.IsInvalid) throw new ObjectDisposedException(nameof(Tensor), "TensorAssert: a tensor passed in has been disposed");
        if (t.is_complex()) throw new ArgumentException($"TensorAssert: complex tensors ({t.dtype}) are not supported");
        // TorchSharp 0.107's TensorAccessor.ToArray throws on an empty tensor.
        if (t.numel() == 0) return Array.Empty<double>();
        using var scope = NewDisposeScope();
        var d = t.detach();
        if (d.device_type != TorchSharp.DeviceType.CPU) d = d.cpu();
        if (d.dtype != ScalarType.Float64) d = d.to(ScalarType.Float64);
        return d.data<double>().ToArray();
    }

    private static string Label(string? because) => because is null ? "" : $" ({because})";
    private static string Shape(long[] s) => "[" + string.Join(", ", s) + "]";
    private static string G(double v) => v.ToString("G9", CultureInfo.InvariantCulture);

    /// <summary>The multi-index of flat position <paramref name="flat"/> in a row-major tensor of <paramref name="shape"/>.</summary>
    public static string Index(long flat, long[] shape)
    {
        if (shape.Length == 0) return "[]";
        var idx = new long[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return "[" + string.Join(", ", idx) + "]";
    }
}
