using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public partial class Tensor
    {
        // ---- views ----
        public Tensor view(params long[] shape) => From(zt_view(Handle, shape, shape.Length));
        public Tensor reshape(params long[] shape) => From(zt_reshape(Handle, shape, shape.Length));
        public Tensor permute(params long[] permutation) => From(zt_permute(Handle, permutation, permutation.Length));
        public Tensor expand(params long[] sizes) => From(zt_expand(Handle, sizes, sizes.Length));
        public Tensor expand_as(Tensor other) => expand(other.shape);
        public Tensor view_as(Tensor other) => view(other.shape);
        public Tensor repeat(params long[] repeats) => From(zt_repeat(Handle, repeats, repeats.Length));
        public Tensor flip(params long[] dims) => From(zt_flip(Handle, dims, dims.Length));
        public Tensor transpose(long dim0, long dim1) => From(zt_transpose(Handle, dim0, dim1));
        public Tensor t() => transpose(0, 1);
        /// <summary>Transpose of the last two dimensions.</summary>
        public Tensor mT => transpose(-2, -1);
        public Tensor unsqueeze(long dim) => From(zt_unsqueeze(Handle, dim));
        public Tensor squeeze(long? dim = null) => dim.HasValue ? From(zt_squeeze_dim(Handle, dim.Value)) : From(zt_squeeze(Handle));
        public Tensor narrow(long dim, long start, long length) => From(zt_narrow(Handle, dim, start, length));
        public Tensor select(long dim, long index) => From(zt_select(Handle, dim, index));
        public Tensor slice(long dim, long start, long finish, long step) => From(zt_slice(Handle, dim, start, finish, step));
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => From(zt_flatten(Handle, start_dim, end_dim));
        public Tensor unflatten(long dim, params long[] sizes) => From(zt_unflatten(Handle, dim, sizes, sizes.Length));
        public Tensor contiguous() => From(zt_contiguous(Handle));
        public Tensor clone() => From(zt_clone(Handle));
        public Tensor roll(long[] shifts, long[] dims) => From(zt_roll(Handle, shifts, shifts.Length, dims, dims.Length));
        public Tensor roll(long shifts, long dims) => roll(new[] { shifts }, new[] { dims });
        public Tensor tril(long diagonal = 0) => From(zt_tril(Handle, diagonal));
        public Tensor triu(long diagonal = 0) => From(zt_triu(Handle, diagonal));
        public Tensor diag(long diagonal = 0) => From(zt_diag(Handle, diagonal));
        public Tensor repeat_interleave(long repeats, long? dim = null) => From(zt_repeat_interleave(Handle, repeats, dim.HasValue ? 1 : 0, dim ?? 0));

        // ---- joining and splitting ----
        private Tensor[] Parts(Func<IntPtr[], int> op, long capacity)
        {
            var buffer = new IntPtr[checked((int)Math.Max(capacity, 1))];
            var n = NativeError.Check(op(buffer));
            var result = new Tensor[n];
            for (var i = 0; i < n; i++) result[i] = new Tensor(buffer[i]);
            return result;
        }

        public Tensor[] split(long size, long dim = 0)
        {
            if (size <= 0) throw new ArgumentException($"split: split_size ({size}) must be positive", nameof(size));
            return Parts(buf => zt_split_size(Handle, size, dim, buf, buf.Length), (this.size(dim) + size - 1) / size);
        }

        public Tensor[] split(long[] sizes, long dim = 0) => Parts(buf => zt_split_sizes(Handle, sizes, sizes.Length, dim, buf, buf.Length), sizes.Length);
        public Tensor[] chunk(long chunks, long dim = 0)
        {
            if (chunks <= 0) throw new ArgumentException($"chunk: chunks ({chunks}) must be positive", nameof(chunks));
            return Parts(buf => zt_chunk(Handle, chunks, dim, buf, buf.Length), chunks);
        }
        public Tensor[] unbind(long dim = 0) => Parts(buf => zt_unbind(Handle, dim, buf, buf.Length), size(dim));

        // ---- gathering ----
        public Tensor gather(long dim, Tensor index) => From(zt_gather(Handle, dim, index.Handle));
        public Tensor index_select(long dim, Tensor index) => From(zt_index_select(Handle, dim, index.Handle));
        public Tensor scatter(long dim, Tensor index, Tensor src) => From(zt_scatter(Handle, dim, index.Handle, src.Handle));
        public Tensor scatter_add(long dim, Tensor index, Tensor src) => From(zt_scatter_add(Handle, dim, index.Handle, src.Handle));
        public Tensor masked_select(Tensor mask) => From(zt_masked_select(Handle, mask.Handle));
        public Tensor nonzero() => From(zt_nonzero(Handle));

        // ---- dtype and device ----
        public Tensor to(ScalarType type, bool copy = false, bool disposeAfter = false)
        {
            var r = From(zt_to_dtype(Handle, (int)type, copy ? 1 : 0));
            if (disposeAfter) Dispose();
            return r;
        }

        public Tensor to(Device device, bool copy = false, bool disposeAfter = false)
        {
            var r = From(zt_to_device(Handle, (int)device.type, device.index, copy ? 1 : 0));
            if (disposeAfter) Dispose();
            return r;
        }

        public Tensor to(ScalarType type, Device device, bool copy = false, bool disposeAfter = false)
        {
            using var moved = to(device, copy);
            var r = moved.to(type, copy);
            if (disposeAfter) Dispose();
            return r;
        }

        public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false, bool disposeAfter = false) => to(new Device(deviceType, deviceIndex), copy, disposeAfter);
        public Tensor to(string device, bool copy = false, bool disposeAfter = false) => to(new Device(device), copy, disposeAfter);
        public Tensor to(Tensor other) => to(other.dtype, other.device);
        public Tensor cpu() => to(CPU);
        public Tensor cuda(int device_index = -1) => to(new Device(DeviceType.CUDA, device_index));
        public Tensor type(ScalarType type) => to(type);
        public Tensor @float() => to(ScalarType.Float32);
        public Tensor @double() => to(ScalarType.Float64);
        public Tensor @long() => to(ScalarType.Int64);
        public Tensor @int() => to(ScalarType.Int32);
        public Tensor @bool() => to(ScalarType.Bool);
        public Tensor half() => to(ScalarType.Float16);
        public Tensor bfloat16() => to(ScalarType.BFloat16);
    }

    private static IntPtr[] Handles(IEnumerable<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return tensors.Select(t => t.Handle).ToArray();
    }

    public static Tensor cat(IList<Tensor> tensors, long dim = 0)
    {
        var h = Handles(tensors);
        if (h.Length == 0) throw new ArgumentException("cat: expected a non-empty list of tensors", nameof(tensors));
        return Tensor.From(zt_cat(h, h.Length, dim));
    }

    public static Tensor concatenate(IList<Tensor> tensors, long axis = 0) => cat(tensors, axis);

    public static Tensor stack(IEnumerable<Tensor> tensors, long dim = 0)
    {
        var h = Handles(tensors);
        if (h.Length == 0) throw new ArgumentException("stack: expected a non-empty list of tensors", nameof(tensors));
        return Tensor.From(zt_stack(h, h.Length, dim));
    }

    public static Tensor tril(Tensor input, long diagonal = 0) => input.tril(diagonal);
    public static Tensor triu(Tensor input, long diagonal = 0) => input.triu(diagonal);
    public static Tensor gather(Tensor input, long dim, Tensor index) => input.gather(dim, index);
    public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);
    public static Tensor[] split(Tensor input, long size, long dim = 0) => input.split(size, dim);
    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    public static Tensor reshape(Tensor input, params long[] shape) => input.reshape(shape);
    public static Tensor permute(Tensor input, params long[] permutation) => input.permute(permutation);
    public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
    public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
    public static Tensor squeeze(Tensor input, long? dim = null) => input.squeeze(dim);
    public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);
    public static Tensor clone(Tensor input) => input.clone();
    public static Tensor repeat_interleave(Tensor input, long repeats, long? dim = null) => input.repeat_interleave(repeats, dim);
}
