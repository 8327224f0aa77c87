using System;
using System.Collections;
using System.Collections.Generic;

namespace TorchSharp.Utils;

/// <summary>
/// Element access to a CPU tensor (TorchSharp's <c>TensorAccessor&lt;T&gt;</c>). Indices are flat, row-major
/// positions over the tensor's logical shape; strides are honoured, so views read correctly. Writes go
/// straight into the tensor's memory. Like the shape and strides, the data pointer is read once, when the
/// accessor is made: take a new accessor after anything that replaces the tensor's storage (<c>Module.to</c>).
/// </summary>
public sealed unsafe class TensorAccessor<T> : IEnumerable<T>, IDisposable where T : unmanaged
{
    private readonly torch.Tensor _tensor;
    private readonly long[] _shape;
    private readonly long[] _strides;
    private readonly bool _contiguous;
    private readonly T* _data;

    internal TensorAccessor(torch.Tensor tensor)
    {
        _tensor = tensor;
        _shape = tensor.shape;
        _strides = tensor.stride();
        _contiguous = tensor.is_contiguous();
        _data = (T*)Native.NativeMethods.zt_data_ptr(tensor.Handle);
        Count = tensor.numel();
    }

    /// <summary>Number of elements.</summary>
    public long Count { get; }

    /// <summary>The data pointer; throws <see cref="ObjectDisposedException"/> once the tensor is disposed.</summary>
    private T* Base {
        get {
            _ = _tensor.Handle;
            return _data;
        }
    }

    private long Offset(long flat)
    {
        if ((ulong)flat >= (ulong)Count)
            throw new IndexOutOfRangeException($"index {flat} is out of range for a tensor of {Count} elements");
        if (_contiguous) return flat;
        long offset = 0;
        for (var d = _shape.Length - 1; d >= 0; d--) {
            offset += flat % _shape[d] * _strides[d];
            flat /= _shape[d];
        }
        return offset;
    }

    /// <summary>The element at flat position <paramref name="index"/>.</summary>
    public T this[long index] {
        get => Base[Offset(index)];
        set => Base[Offset(index)] = value;
    }

    /// <summary>The element at a multi-dimensional position.</summary>
    public T this[params long[] indices] {
        get => Base[Offset(Flat(indices))];
        set => Base[Offset(Flat(indices))] = value;
    }

    private long Flat(long[] indices)
    {
        if (indices.Length != _shape.Length)
            throw new ArgumentException($"{indices.Length} indices given for a tensor of {_shape.Length} dimensions");
        long flat = 0;
        for (var d = 0; d < indices.Length; d++) flat = flat * _shape[d] + indices[d];
        return flat;
    }

    /// <summary>Copies every element into a new array.</summary>
    public T[] ToArray() => _tensor.ToArray<T>();

    public IEnumerator<T> GetEnumerator()
    {
        for (long i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() { }
}
