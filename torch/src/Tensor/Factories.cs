using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    // dtype/device/requires_grad → the shim's option codes (-1 = libtorch's default)
    private static int Code(ScalarType? dtype) => dtype.HasValue ? (int)dtype.Value : -1;
    private static int DevType(Device? device) => device is null ? -1 : (int)device.type;
    private static int DevIndex(Device? device) => device?.index ?? -1;
    private static int Flag(bool value) => value ? 1 : 0;

    private static void CheckSizes(long[] size, string what)
    {
        ArgumentNullException.ThrowIfNull(size);
        foreach (var s in size)
            if (s < 0) throw new ArgumentException($"{what}: negative dimension {s} in size [{string.Join(", ", size)}]", nameof(size));
    }

    // ---- zeros / ones / empty / rand / randn ----

    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
    {
        CheckSizes(size, "zeros");
        return Tensor.From(zt_zeros(size, size.Length, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => zeros(size.ToArray(), dtype, device, requires_grad);
    public static Tensor zeros(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => zeros(new[] { size }, dtype, device, requires_grad);
    public static Tensor zeros(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => zeros(new[] { rows, columns }, dtype, device, requires_grad);
    public static Tensor zeros(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => zeros(new[] { dim0, dim1, dim2 }, dtype, device, requires_grad);
    public static Tensor zeros(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => zeros(new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad);

    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
    {
        CheckSizes(size, "ones");
        return Tensor.From(zt_ones(size, size.Length, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => ones(size.ToArray(), dtype, device, requires_grad);
    public static Tensor ones(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => ones(new[] { size }, dtype, device, requires_grad);
    public static Tensor ones(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => ones(new[] { rows, columns }, dtype, device, requires_grad);
    public static Tensor ones(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => ones(new[] { dim0, dim1, dim2 }, dtype, device, requires_grad);
    public static Tensor ones(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => ones(new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad);

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
    {
        CheckSizes(size, "empty");
        return Tensor.From(zt_empty(size, size.Length, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor empty(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => empty(new[] { size }, dtype, device, requires_grad);
    public static Tensor empty(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => empty(new[] { rows, columns }, dtype, device, requires_grad);
    public static Tensor empty(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => empty(new[] { dim0, dim1, dim2 }, dtype, device, requires_grad);

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null)
    {
        CheckSizes(size, "rand");
        return Tensor.From(zt_rand(size, size.Length, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor rand(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => rand(new[] { size }, dtype, device, requires_grad);
    public static Tensor rand(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => rand(new[] { rows, columns }, dtype, device, requires_grad);
    public static Tensor rand(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => rand(new[] { dim0, dim1, dim2 }, dtype, device, requires_grad);
    public static Tensor rand(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => rand(new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad);

    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null)
    {
        CheckSizes(size, "randn");
        return Tensor.From(zt_randn(size, size.Length, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor randn(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => randn(new[] { size }, dtype, device, requires_grad);
    public static Tensor randn(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => randn(new[] { rows, columns }, dtype, device, requires_grad);
    public static Tensor randn(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => randn(new[] { dim0, dim1, dim2 }, dtype, device, requires_grad);
    public static Tensor randn(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => randn(new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad);

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null)
    {
        CheckSizes(size, "randint");
        if (high <= low) throw new ArgumentException($"randint: high ({high}) must be greater than low ({low})", nameof(high));
        return Tensor.From(zt_randint(low, high, size, size.Length, dtype.HasValue ? (int)dtype.Value : (int)ScalarType.Int64, DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        randint(0, high, size, dtype, device, requires_grad, generator);

    public static Tensor full(long[] size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
    {
        CheckSizes(size, "full");
        return Tensor.From(zt_full(size, size.Length, value.Kind, value.D, value.L, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor full(long size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => full(new[] { size }, value, dtype, device, requires_grad);
    public static Tensor full(long rows, long columns, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => full(new[] { rows, columns }, value, dtype, device, requires_grad);

    public static Tensor eye(long rows, long columns = -1L, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_eye(rows, columns < 0 ? rows : columns, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));

    // ---- ranges ----

    /// <summary>Values from <paramref name="start"/> up to (excluding) <paramref name="stop"/> by <paramref name="step"/>.</summary>
    public static Tensor arange(Scalar start, Scalar stop, Scalar step, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var integral = !start.IsFloatingPoint && !stop.IsFloatingPoint && !step.IsFloatingPoint;
        return Tensor.From(zt_arange(integral ? 1 : 0, start.ToDouble(), stop.ToDouble(), step.ToDouble(),
            start.ToInt64(), stop.ToInt64(), step.ToInt64(), Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    }
    public static Tensor arange(Scalar start, Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => arange(start, stop, 1, dtype, device, requires_grad);
    public static Tensor arange(Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => arange(0, stop, 1, dtype, device, requires_grad);

    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_linspace(start, end, steps, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));

    // ---- *_like ----

    public static Tensor zeros_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_zeros_like(input.Handle, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    public static Tensor ones_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_ones_like(input.Handle, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    public static Tensor empty_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_empty_like(input.Handle, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    public static Tensor full_like(Tensor input, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_full_like(input.Handle, value.Kind, value.D, value.L, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    public static Tensor rand_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_rand_like(input.Handle, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));
    public static Tensor randn_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Tensor.From(zt_randn_like(input.Handle, Code(dtype), DevType(device), DevIndex(device), Flag(requires_grad)));

    // ---- from .NET data ----

    private static unsafe Tensor FromHost<T>(ReadOnlySpan<T> data, long[] shape, ScalarType type, ScalarType? dtype, Device? device, bool requires_grad) where T : unmanaged
    {
        CheckSizes(shape, "tensor");
        long n = 1;
        foreach (var s in shape) n *= s;
        if (n != data.Length)
            throw new ArgumentException($"tensor: {data.Length} values given for shape [{string.Join(", ", shape)}] ({n} elements)", nameof(shape));
        IntPtr h;
        fixed (T* p = data)
            h = zt_from_host((IntPtr)p, (long)data.Length * sizeof(T), shape, shape.Length, (int)type, 0);
        var t = Tensor.From(h);
        if ((dtype.HasValue && dtype.Value != type) || (device is not null && device.type != DeviceType.CPU)) {
            using var src = t;
            t = src.to(dtype ?? type, device ?? CPU);
        }
        if (requires_grad) t.requires_grad = true;
        return t;
    }

    public static Tensor tensor(float[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<float>(rawArray, new long[] { rawArray.Length }, ScalarType.Float32, dtype, device, requires_grad);
    public static Tensor tensor(float[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<float>(rawArray, dimensions, ScalarType.Float32, dtype, device, requires_grad);
    public static Tensor tensor(ReadOnlySpan<float> rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost(rawArray, dimensions, ScalarType.Float32, dtype, device, requires_grad);
    public static Tensor tensor(IList<float> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => tensor(System.Linq.Enumerable.ToArray(rawArray), dtype, device, requires_grad);
    public static Tensor tensor(float value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<float>(new[] { value }, Array.Empty<long>(), ScalarType.Float32, dtype, device, requires_grad);

    public static Tensor tensor(double[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<double>(rawArray, new long[] { rawArray.Length }, ScalarType.Float64, dtype, device, requires_grad);
    public static Tensor tensor(double[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<double>(rawArray, dimensions, ScalarType.Float64, dtype, device, requires_grad);
    public static Tensor tensor(IList<double> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => tensor(System.Linq.Enumerable.ToArray(rawArray), dtype, device, requires_grad);
    public static Tensor tensor(double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<double>(new[] { value }, Array.Empty<long>(), ScalarType.Float64, dtype, device, requires_grad);

    public static Tensor tensor(long[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<long>(rawArray, new long[] { rawArray.Length }, ScalarType.Int64, dtype, device, requires_grad);
    public static Tensor tensor(long[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<long>(rawArray, dimensions, ScalarType.Int64, dtype, device, requires_grad);
    public static Tensor tensor(IList<long> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => tensor(System.Linq.Enumerable.ToArray(rawArray), dtype, device, requires_grad);
    public static Tensor tensor(long value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<long>(new[] { value }, Array.Empty<long>(), ScalarType.Int64, dtype, device, requires_grad);

    public static Tensor tensor(int[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<int>(rawArray, new long[] { rawArray.Length }, ScalarType.Int32, dtype, device, requires_grad);
    public static Tensor tensor(int[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<int>(rawArray, dimensions, ScalarType.Int32, dtype, device, requires_grad);
    public static Tensor tensor(int value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<int>(new[] { value }, Array.Empty<long>(), ScalarType.Int32, dtype, device, requires_grad);

    public static Tensor tensor(bool[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<bool>(rawArray, new long[] { rawArray.Length }, ScalarType.Bool, dtype, device, requires_grad);
    public static Tensor tensor(bool[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<bool>(rawArray, dimensions, ScalarType.Bool, dtype, device, requires_grad);
    public static Tensor tensor(bool value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<bool>(new[] { value }, Array.Empty<long>(), ScalarType.Bool, dtype, device, requires_grad);

    public static Tensor tensor(byte[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<byte>(rawArray, dimensions, ScalarType.Byte, dtype, device, requires_grad);
    public static Tensor tensor(Half[] rawArray, long[] dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => FromHost<Half>(rawArray, dimensions, ScalarType.Float16, dtype, device, requires_grad);

    /// <summary>A tensor from a rectangular .NET array of any rank (float, double, long, int, bool).</summary>
    public static Tensor tensor(Array rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var shape = new long[rawArray.Rank];
        for (var i = 0; i < shape.Length; i++) shape[i] = rawArray.GetLength(i);
        return rawArray switch {
            float[,] or float[,,] or float[,,,] => FromHost(Flatten<float>(rawArray), shape, ScalarType.Float32, dtype, device, requires_grad),
            double[,] or double[,,] or double[,,,] => FromHost(Flatten<double>(rawArray), shape, ScalarType.Float64, dtype, device, requires_grad),
            long[,] or long[,,] or long[,,,] => FromHost(Flatten<long>(rawArray), shape, ScalarType.Int64, dtype, device, requires_grad),
            int[,] or int[,,] or int[,,,] => FromHost(Flatten<int>(rawArray), shape, ScalarType.Int32, dtype, device, requires_grad),
            bool[,] or bool[,,] or bool[,,,] => FromHost(Flatten<bool>(rawArray), shape, ScalarType.Bool, dtype, device, requires_grad),
            _ => throw new ArgumentException($"tensor: arrays of {rawArray.GetType().Name} are not supported", nameof(rawArray)),
        };
    }

    /// <summary>The elements of a rectangular array of T, row-major, read in place (no copy, no boxing).</summary>
    private static ReadOnlySpan<T> Flatten<T>(Array a) where T : unmanaged =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(a)), a.Length);

    // ---- random state, threads ----

    /// <summary>Seeds libtorch's default generator (CPU and, where present, CUDA).</summary>
    public static Generator manual_seed(long seed)
    {
        zt_manual_seed(seed);
        return new Generator(seed);
    }

    /// <summary>The default random generator, as returned by <see cref="manual_seed"/>.</summary>
    public sealed class Generator
    {
        internal Generator(long seed) => initial_seed = seed;
        public long initial_seed { get; }
    }

    public static int get_num_threads() => zt_get_num_threads();
    public static void set_num_threads(int num) => NativeError.Check(zt_set_num_threads(num));
    public static int get_num_interop_threads() => zt_get_num_interop_threads();

    public static DisposeScope NewDisposeScope() => DisposeScopeManager.ThreadSingleton.NewDisposeScope();

    /// <summary>CUDA queries (answered by the libtorch the shim was built against).</summary>
    public static class cuda
    {
        public static bool is_available() => zt_cuda_is_available() != 0;
        public static int device_count() => zt_cuda_device_count();
    }
}
