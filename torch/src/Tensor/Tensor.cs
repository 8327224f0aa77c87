using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    /// <summary>
    /// A tensor: an owning reference to a libtorch <c>at::Tensor</c>. Disposing it (directly, or through the
    /// <see cref="DisposeScope"/> it was created in) releases the reference at once; the finalizer is only a
    /// backstop. Any use after disposal throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public partial class Tensor : IDisposable
    {
        internal IntPtr handle;
        private static long _managedCount;

        internal DisposeScope? OwningDisposeScope { get; set; }

        /// <summary>Takes ownership of a native handle returned by the shim (never null here).</summary>
        internal Tensor(IntPtr handle)
        {
            this.handle = handle;
            Interlocked.Increment(ref _managedCount);
            OwningDisposeScope = DisposeScopeManager.RegisterOnCurrent(this);
        }

        /// <summary>Wraps a shim result, throwing the pending libtorch error when it is null.</summary>
        internal static Tensor From(IntPtr handle) => new(NativeError.Check(handle));

        ~Tensor() => Release();

        /// <summary>Releases the native tensor now and removes it from its dispose scope.</summary>
        public void Dispose()
        {
            OwningDisposeScope?.MarkAsDisposed(this);
            Release();
            GC.SuppressFinalize(this);
        }

        private void Release()
        {
            var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
            if (h != IntPtr.Zero) {
                Interlocked.Decrement(ref _managedCount);
                zt_free(h);
            }
        }

        /// <summary>True once the tensor has been disposed.</summary>
        public bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>The native handle; throws <see cref="ObjectDisposedException"/> after disposal.</summary>
        public IntPtr Handle {
            get {
                var h = handle;
                if (h == IntPtr.Zero) ThrowDisposed();
                return h;
            }
        }

        private static void ThrowDisposed() =>
            throw new ObjectDisposedException(nameof(Tensor), "The tensor has been disposed (directly or by its DisposeScope).");

        /// <summary>Number of managed tensors alive (not yet disposed or finalized).</summary>
        public static long TotalCount => Interlocked.Read(ref _managedCount);

        /// <summary>A friendly name for debugging.</summary>
        public string? name { get; set; }

        /// <summary>Moves this tensor to the enclosing dispose scope (or out of all scopes if none).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            OwningDisposeScope?.MoveToOuter(this);
            return this;
        }

        /// <summary>Removes this tensor from all dispose scopes: the caller owns it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningDisposeScope?.Detach(this);
            return this;
        }

        /// <summary>A new reference to the same native tensor (disposed independently).</summary>
        public Tensor alias() => From(zt_alias(Handle));

        // ---- metadata ----------------------------------------------------------------------

        public long Dimensions => zt_dim(Handle);
        public long dim() => zt_dim(Handle);
        public long ndim => zt_dim(Handle);

        /// <summary>The sizes of every dimension.</summary>
        public long[] shape {
            get {
                var h = Handle;
                var s = new long[zt_dim(h)];
                if (s.Length > 0) zt_shape(h, s);
                return s;
            }
        }

        /// <summary>The sizes of every dimension (TorchSharp's <c>size()</c>).</summary>
        public long[] size() => shape;

        /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
        public long size(long dim)
        {
            var s = shape;
            var d = dim < 0 ? dim + s.Length : dim;
            if (d < 0 || d >= s.Length)
                throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-s.Length}, {s.Length - 1}], but got {dim})");
            return s[d];
        }

        public long size(int dim) => size((long)dim);

        public long[] stride()
        {
            var h = Handle;
            var s = new long[zt_dim(h)];
            if (s.Length > 0) zt_strides(h, s);
            return s;
        }

        public long stride(int dim)
        {
            var s = stride();
            return s[dim < 0 ? dim + s.Length : dim];
        }

        public long NumberOfElements => zt_numel(Handle);
        public long numel() => zt_numel(Handle);
        public long ElementSize => zt_element_size(Handle);
        public long element_size() => zt_element_size(Handle);

        public ScalarType dtype => (ScalarType)zt_dtype(Handle);

        public DeviceType device_type => (DeviceType)zt_device_type(Handle);
        public int device_index => zt_device_index(Handle);
        public Device device => new(device_type, device_index);
        public bool is_cuda => device_type == DeviceType.CUDA;

        public bool is_contiguous() => zt_is_contiguous(Handle) != 0;
        public bool is_floating_point() => torch.is_floating_point(dtype);
        public bool is_integral() => torch.is_integral(dtype);
        public bool is_complex() => torch.is_complex(dtype);

        // ---- autograd ----------------------------------------------------------------------

        /// <summary>Whether operations on this tensor are recorded for differentiation.</summary>
        public bool requires_grad {
            get => zt_requires_grad(Handle) != 0;
            set => NativeError.Check(zt_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool requires_grad = true)
        {
            this.requires_grad = requires_grad;
            return this;
        }

        public bool is_leaf => zt_is_leaf(Handle) != 0;

        /// <summary>
        /// The accumulated gradient, or null. Each read returns a new reference (owned by the current
        /// dispose scope, if any) to the same storage libtorch accumulates into.
        /// </summary>
        public Tensor? grad {
            get {
                var g = zt_grad(Handle);
                if (g == IntPtr.Zero) {
                    if (NativeError.Pending) NativeError.Throw();
                    return null;
                }
                return new Tensor(g);
            }
            set => NativeError.Check(zt_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
        }

        /// <summary>Computes the gradient of this tensor with respect to graph leaves.</summary>
        public void backward(IList<Tensor>? grad_tensors = null, bool create_graph = false, bool retain_graph = false,
            IList<Tensor>? inputs = null)
        {
            if (inputs is not null)
                throw new NotSupportedException("backward(inputs: ...) is not supported by this engine; use requires_grad on the leaves you need.");
            var g = grad_tensors is { Count: > 0 } ? grad_tensors[0].Handle : IntPtr.Zero;
            NativeError.Check(zt_backward(Handle, g, retain_graph || create_graph ? 1 : 0, create_graph ? 1 : 0));
        }

        public void retain_grad() => NativeError.Check(zt_retain_grad(Handle));

        /// <summary>A tensor sharing storage with this one, cut from the autograd graph.</summary>
        public Tensor detach() => From(zt_detach(Handle));

        public Tensor detach_()
        {
            NativeError.Check(zt_detach_(Handle));
            return this;
        }

        // ---- data --------------------------------------------------------------------------

        /// <summary>Reads and writes the elements of a CPU tensor (TorchSharp's accessor).</summary>
        public Utils.TensorAccessor<T> data<T>() where T : unmanaged
        {
            if (device_type != DeviceType.CPU)
                throw new InvalidOperationException("Reading data from non-CPU memory is not supported. Move or copy the tensor to the cpu before reading.");
            ValidateType(typeof(T));
            return new Utils.TensorAccessor<T>(this);
        }

        /// <summary>The single value of a one-element tensor.</summary>
        public T item<T>() where T : unmanaged
        {
            if (numel() != 1)
                throw new ArgumentException($"item(): the tensor has {numel()} elements; only one-element tensors can be converted to a scalar");
            ValidateType(typeof(T));
            var kind = dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 ? 0 : 1;
            NativeError.Check(zt_item(Handle, kind, out var d, out var l));
            object boxed = typeof(T) switch {
                var t when t == typeof(float) => (float)d,
                var t when t == typeof(double) => d,
                var t when t == typeof(Half) => (Half)d,
                var t when t == typeof(BFloat16) => new BFloat16((float)d),
                var t when t == typeof(long) => l,
                var t when t == typeof(int) => (int)l,
                var t when t == typeof(short) => (short)l,
                var t when t == typeof(byte) => (byte)l,
                var t when t == typeof(sbyte) => (sbyte)l,
                var t when t == typeof(bool) => l != 0,
                _ => throw new NotSupportedException($"item<{typeof(T).Name}>() is not supported"),
            };
            return (T)boxed;
        }

        /// <summary>Copies all elements, row-major, into a new array (any device, any layout).</summary>
        public T[] ToArray<T>() where T : unmanaged
        {
            ValidateType(typeof(T));
            var result = new T[numel()];
            unsafe {
                fixed (T* p = result)
                    NativeError.Check(zt_to_host(Handle, (IntPtr)p, (long)result.Length * sizeof(T)));
            }
            return result;
        }

        /// <summary>The raw bytes of a contiguous CPU tensor (a view: writes change the tensor).</summary>
        public Span<byte> bytes {
            get {
                if (device_type != DeviceType.CPU) throw new InvalidOperationException("bytes: the tensor is not on the CPU");
                if (!is_contiguous()) throw new InvalidOperationException("bytes: the tensor is not contiguous; call contiguous() first");
                var n = numel() * element_size();
                if (n > int.MaxValue) throw new InvalidOperationException($"bytes: {n} bytes do not fit a Span");
                unsafe { return new Span<byte>((void*)zt_data_ptr(Handle), (int)n); }
            }
        }

        internal void ValidateType(Type t)
        {
            var ok = dtype switch {
                ScalarType.Byte => t == typeof(byte),
                ScalarType.Int8 => t == typeof(sbyte),
                ScalarType.Int16 => t == typeof(short),
                ScalarType.Int32 => t == typeof(int),
                ScalarType.Int64 => t == typeof(long),
                ScalarType.Bool => t == typeof(bool),
                ScalarType.Float16 => t == typeof(Half),
                ScalarType.BFloat16 => t == typeof(BFloat16),
                ScalarType.Float32 => t == typeof(float),
                ScalarType.Float64 => t == typeof(double),
                _ => false,
            };
            if (!ok) throw new ArgumentException($"{t.Name} is not compatible with {dtype}");
        }

        public override string ToString()
        {
            if (IsInvalid) return "[disposed tensor]";
            var s = shape;
            return $"[{(s.Length == 0 ? "" : string.Join("x", s))}], type = {dtype}, device = {device}";
        }
    }
}

/// <summary>A bfloat16 value as stored by libtorch (the upper 16 bits of a float32).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    public readonly ushort Bits;

    public BFloat16(float value)
    {
        // round to nearest even, as c10::BFloat16 does
        var u = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) { Bits = 0x7FC0; return; }
        var rounding = 0x7FFFu + ((u >> 16) & 1);
        Bits = (ushort)((u + rounding) >> 16);
    }

    private BFloat16(ushort bits, bool _) => Bits = bits;

    public static BFloat16 FromBits(ushort bits) => new(bits, true);
    public static explicit operator float(BFloat16 v) => BitConverter.UInt32BitsToSingle((uint)v.Bits << 16);
    public static explicit operator BFloat16(float v) => new(v);
    public bool Equals(BFloat16 other) => Bits == other.Bits;
    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);
    public override int GetHashCode() => Bits;
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
