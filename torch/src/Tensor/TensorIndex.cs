using System;
using System.Collections.Generic;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

/// <summary>One position of an indexing expression: an integer, a slice, <c>...</c>, a new axis, a tensor or a bool.</summary>
public sealed class TensorIndex
{
    internal enum Kind { Single = 0, Slice = 1, Ellipsis = 2, None = 3, Tensor = 4, Bool = 5 }

    internal readonly Kind kind;
    internal readonly long a, b, c;
    internal readonly torch.Tensor? tensor;

    private const long Omitted = long.MinValue;

    private TensorIndex(Kind kind, long a = 0, long b = 0, long c = 0, torch.Tensor? tensor = null)
    {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        this.tensor = tensor;
    }

    public static TensorIndex Single(long? index) => new(Kind.Single, index ?? throw new ArgumentNullException(nameof(index)));
    public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null) => new(Kind.Slice, start ?? Omitted, stop ?? Omitted, step ?? Omitted);
    public static TensorIndex Bool(bool value) => new(Kind.Bool, value ? 1 : 0);
    public static TensorIndex Tensor(torch.Tensor value) => new(Kind.Tensor, tensor: value);
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
    public static readonly TensorIndex None = new(Kind.None);
    public static readonly TensorIndex Null = None;
    public static readonly TensorIndex Colon = Slice();

    public static implicit operator TensorIndex(long value) => Single(value);
    public static implicit operator TensorIndex(int value) => Single(value);
    public static implicit operator TensorIndex(bool value) => Bool(value);
    public static implicit operator TensorIndex(torch.Tensor value) => Tensor(value);
    public static implicit operator TensorIndex((int? start, int? end) range) => Slice(range.start, range.end);

    /// <summary>C# ranges: <c>t[.., 1..3, ^1]</c>.</summary>
    public static implicit operator TensorIndex(Range range) =>
        Slice(range.Start.IsFromEnd ? (range.Start.Value == 0 ? null : -range.Start.Value) : range.Start.Value,
              range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value);

    public static implicit operator TensorIndex(Index index) => Single(index.IsFromEnd ? -index.Value : index.Value);

    internal static void Encode(IReadOnlyList<TensorIndex> indices, out int[] kinds, out long[] a, out long[] b, out long[] c, out IntPtr[] tensors)
    {
        var n = indices.Count;
        kinds = new int[n];
        a = new long[n];
        b = new long[n];
        c = new long[n];
        tensors = new IntPtr[n];
        for (var i = 0; i < n; i++) {
            var x = indices[i] ?? throw new ArgumentNullException(nameof(indices), $"index {i} is null");
            kinds[i] = (int)x.kind;
            a[i] = x.a;
            b[i] = x.b;
            c[i] = x.c;
            tensors[i] = x.tensor?.Handle ?? IntPtr.Zero;
        }
    }
}

public static partial class torch
{
    public partial class Tensor
    {
        /// <summary>NumPy-style indexing: <c>t[0, .., TensorIndex.None, mask]</c>.</summary>
        public Tensor this[params TensorIndex[] indices] {
            get => index(indices);
            set => index_put_(value, indices);
        }

        public Tensor this[long i0] {
            get => From(zt_select(Handle, 0, i0));
            set => index_put_(value, TensorIndex.Single(i0));
        }

        public Tensor this[long i0, long i1] {
            get => index(TensorIndex.Single(i0), TensorIndex.Single(i1));
            set => index_put_(value, TensorIndex.Single(i0), TensorIndex.Single(i1));
        }

        public Tensor this[params Tensor[] indices] {
            get => index(Array.ConvertAll(indices, TensorIndex.Tensor));
            set => index_put_(value, Array.ConvertAll(indices, TensorIndex.Tensor));
        }

        public Tensor index(params TensorIndex[] indices)
        {
            TensorIndex.Encode(indices, out var k, out var a, out var b, out var c, out var t);
            return From(zt_index(Handle, k.Length, k, a, b, c, t));
        }

        public Tensor index_put_(Tensor value, params TensorIndex[] indices)
        {
            TensorIndex.Encode(indices, out var k, out var a, out var b, out var c, out var t);
            NativeError.Check(zt_index_put_(Handle, k.Length, k, a, b, c, t, value.Handle));
            return this;
        }

        public Tensor index_put_(Scalar value, params TensorIndex[] indices)
        {
            TensorIndex.Encode(indices, out var k, out var a, out var b, out var c, out var t);
            NativeError.Check(zt_index_put_scalar_(Handle, k.Length, k, a, b, c, t, value.Kind, value.D, value.L));
            return this;
        }
    }
}
